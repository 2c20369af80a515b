//! Loading the Keras fixtures of datasets/keras/ into lstm_lab models.
#![allow(dead_code)]

use burn::tensor::{Device, Tensor};
use lstm_lab::array::Array3;
use lstm_lab::layers::{Dense, LstmConfig};
use lstm_lab::models::{LstmModel, Output, Topology};
use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/datasets/keras/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// All numbers of a nested JSON array, flattened row-major, with the array's shape.
pub fn flat(v: &Value) -> (Vec<f32>, Vec<usize>) {
    fn walk(v: &Value, depth: usize, out: &mut Vec<f32>, shape: &mut Vec<usize>) {
        match v {
            Value::Array(items) => {
                if shape.len() == depth {
                    shape.push(items.len());
                }
                for item in items {
                    walk(item, depth + 1, out, shape);
                }
            }
            Value::Number(n) => out.push(n.as_f64().expect("a number") as f32),
            other => panic!("unexpected JSON value {other}"),
        }
    }
    let (mut out, mut shape) = (Vec::new(), Vec::new());
    walk(v, 0, &mut out, &mut shape);
    (out, shape)
}

pub fn array3(v: &Value) -> Array3 {
    let (data, shape) = flat(v);
    let shape: [usize; 3] = match shape.len() {
        2 => [shape[0], 1, shape[1]],
        3 => [shape[0], shape[1], shape[2]],
        n => panic!("rank {n} is not an Array3"),
    };
    Array3::new(data, shape).unwrap()
}

pub fn values(v: &Value) -> Vec<f32> {
    flat(v).0
}

/// The weight list (`weights`, `weights_after_1`, ...) as flat vectors, in Keras order.
pub fn weight_list(v: &Value) -> Vec<Vec<f32>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|w| values(&w["value"]))
        .collect()
}

pub fn topology_of(name: &str) -> Topology {
    match name {
        "many_to_one" | "alphabet_trajectory" => Topology::ManyToOne,
        "seq2seq" | "stateful" | "masked" | "regression" => Topology::Seq2Seq,
        "encoder_decoder" => Topology::EncoderDecoder { out_steps: 2 },
        other => panic!("unknown fixture {other}"),
    }
}

/// The fixture's model with Keras's initial weights, on `device`.
pub fn load_model(fx: &Value, device: &Device) -> LstmModel {
    let name = fx["name"].as_str().unwrap();
    let topology = topology_of(name);
    let shapes: Vec<Vec<usize>> = fx["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            w["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap() as usize)
                .collect()
        })
        .collect();
    let mut w = weight_list(&fx["weights"]).into_iter();
    let mut shape = shapes.into_iter();
    let lstm = |w: &mut dyn Iterator<Item = Vec<f32>>, s: &mut dyn Iterator<Item = Vec<usize>>| {
        let k_shape = s.next().unwrap();
        s.next();
        s.next();
        LstmConfig::new(k_shape[0], k_shape[1] / 4)
            .unwrap()
            .load(w.next().unwrap(), w.next().unwrap(), w.next().unwrap(), device)
            .unwrap()
    };
    let encoder = lstm(&mut w, &mut shape);
    let decoder = matches!(topology, Topology::EncoderDecoder { .. }).then(|| lstm(&mut w, &mut shape));
    let d_shape = shape.next().unwrap();
    let head = Dense::load(
        w.next().unwrap(),
        w.next().unwrap(),
        d_shape[0],
        d_shape[1],
        device,
    )
    .unwrap();
    let model = LstmModel::from_layers(encoder, decoder, head, topology).unwrap();
    match name {
        "masked" => model.with_masking(fx["mask_value"].as_f64().unwrap() as f32),
        "regression" => model.with_output(Output::Linear { levels: 100 }).unwrap(),
        _ => model,
    }
}

/// Our model's weights in Keras order.
pub fn model_weights(model: &LstmModel) -> Vec<Vec<f32>> {
    let mut out = Vec::new();
    for l in model.lstm_layers() {
        out.push(to_vec(l.kernel.val()));
        out.push(to_vec(l.recurrent_kernel.val()));
        out.push(to_vec(l.bias.val()));
    }
    out.push(to_vec(model.head().kernel.val()));
    out.push(to_vec(model.head().bias.val()));
    out
}

pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

/// Largest absolute difference; NaN when either side holds a NaN or an infinity (so that any
/// `d <= tol` fails); panics on a length mismatch.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(
        a.len(),
        b.len(),
        "lengths differ: {} against {}",
        a.len(),
        b.len()
    );
    let mut worst = 0.0f32;
    for (x, y) in a.iter().zip(b) {
        if !x.is_finite() || !y.is_finite() {
            return f32::NAN;
        }
        worst = worst.max((x - y).abs());
    }
    worst
}

/// Asserts that `ours` and `keras` have the same length, hold only finite numbers and differ by
/// at most `tol` anywhere.
pub fn assert_close(what: &str, ours: &[f32], keras: &[f32], tol: f32) {
    assert_eq!(
        ours.len(),
        keras.len(),
        "{what}: {} values here, {} in the reference",
        ours.len(),
        keras.len()
    );
    if let Some(i) = (0..ours.len()).find(|&i| !ours[i].is_finite() || !keras[i].is_finite()) {
        panic!(
            "{what}: entry {i} is not finite ({} here, {} in the reference)",
            ours[i], keras[i]
        );
    }
    let d = max_abs_diff(ours, keras);
    assert!(d <= tol, "{what}: max |ours - reference| = {d:e} > {tol:e}");
}

/// [`assert_close`] over two lists of tensors' values, which must be as many.
pub fn assert_all_close(what: &str, ours: &[Vec<f32>], keras: &[Vec<f32>], tol: f32) {
    assert_eq!(
        ours.len(),
        keras.len(),
        "{what}: {} tensors here, {} in the reference",
        ours.len(),
        keras.len()
    );
    for (i, (o, k)) in ours.iter().zip(keras).enumerate() {
        assert_close(&format!("{what} {i}"), o, k, tol);
    }
}
