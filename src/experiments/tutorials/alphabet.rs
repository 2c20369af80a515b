//! Tutorial 003: learn the next letter of the alphabet, and see that how the window is framed
//! matters.
//!
//! Inputs are letter indices scaled by `/26`; targets are one-hot over 26 letters. LSTM(32) ->
//! Dense(26, softmax), 500 epochs in batches of 1 with Keras's default shuffling. The tutorial
//! scores the model on its own training windows (`model.evaluate`): 100.00% with 2 letters as
//! 2 time steps, 86.96% with 3 letters as 3 features of one step, 100.00% with 3 letters as
//! 3 time steps.

use super::{Outcome, RunOptions, Tutorial, labels};
use crate::ChaCha12Rng;
use crate::array::Array3;
use crate::config::{Checked, ParamGuard, config_struct};
use crate::data::{ALPHABET, alphabet_windows, letter, one_hot_encode};
use crate::error::Result;
use crate::metrics::Confusion;
use crate::models::{ModelConfig, Topology};
use crate::train::{FitConfig, Learner};
use burn::tensor::Device;
use rand::SeedableRng;
use std::time::Instant;

/// How a window of letters is laid out as model input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Window {
    /// `[samples, n, 1]`: one letter per time step.
    TimeSteps(usize),
    /// `[samples, 1, n]`: the letters as features of a single time step.
    Features(usize),
}

impl Window {
    /// Letters per window.
    pub fn letters(self) -> usize {
        match self {
            Window::TimeSteps(n) | Window::Features(n) => n,
        }
    }
}

config_struct! {
    /// The tutorial's numbers; one constructor per variant.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    pub struct AlphabetConfig {
        /// Window length and layout.
        window / with_window: Window,
        /// LSTM memory units.
        units / with_units: usize,
        /// Epochs over the windows.
        epochs / with_epochs: usize,
        /// Batch size (1: one Adam step per window).
        batch_size / with_batch_size: usize,
        /// Keras's `fit` default: reshuffle every epoch.
        shuffle / with_shuffle: bool,
    }
}

impl Default for AlphabetConfig {
    fn default() -> Self {
        Self::two_step()
    }
}

impl AlphabetConfig {
    /// `alphabet-2step`: 2 letters as 2 time steps.
    pub fn two_step() -> Self {
        Self {
            window: Window::TimeSteps(2),
            units: 32,
            epochs: 500,
            batch_size: 1,
            shuffle: true,
        }
    }

    /// `alphabet-feature-window`: 3 letters as 3 features of 1 time step.
    pub fn feature_window() -> Self {
        Self {
            window: Window::Features(3),
            ..Self::two_step()
        }
    }

    /// `alphabet-timestep-window`: 3 letters as 3 time steps.
    pub fn timestep_window() -> Self {
        Self {
            window: Window::TimeSteps(3),
            ..Self::two_step()
        }
    }

    /// The windows as model input (scaled by `/26`) and one-hot targets `[samples, 1, 26]`,
    /// with the raw letter indices of each window.
    pub fn dataset(&self) -> Result<(Array3, Array3, Vec<Vec<usize>>)> {
        let n = self.window.letters();
        let (windows, next) = alphabet_windows(n)?;
        let scale = ALPHABET.len() as f32;
        let data: Vec<f32> = windows.iter().flatten().map(|&i| i as f32 / scale).collect();
        let shape = match self.window {
            Window::TimeSteps(_) => [windows.len(), n, 1],
            Window::Features(_) => [windows.len(), 1, n],
        };
        let y = one_hot_encode(&next, ALPHABET.len())?.concat();
        Ok((
            Array3::new(data, shape)?,
            Array3::new(y, [next.len(), 1, ALPHABET.len()])?,
            windows,
        ))
    }
}

impl ParamGuard for AlphabetConfig {
    fn validate(&self) -> Result<()> {
        let letters = self.window.letters();
        if !(1..ALPHABET.len()).contains(&letters) {
            return Err(crate::Error::invalid(
                "window",
                format!(
                    "{letters} letters: a window needs 1 to {} letters",
                    ALPHABET.len() - 1
                ),
            ));
        }
        FitConfig::new(self.epochs, self.batch_size).validate()?;
        self.model().map(|_| ())
    }
}

impl Checked<AlphabetConfig> {
    /// Trains and scores the model; `device` is the plain (non-autodiff) device.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let (x, y, windows) = self.dataset()?;
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, false)?;
        let fit = options
            .fit_config(self.epochs, self.batch_size)
            .with_shuffle(self.shuffle)
            .check()?;
        let start = Instant::now();
        let history = learner.fit(&x, &y, &fit, &mut rng)?;
        let train_seconds = start.elapsed().as_secs_f64();

        // model.evaluate's categorical accuracy is the argmax match of model.predict.
        let predicted = labels(&learner.predict(&x, 32)?);
        let names = ALPHABET.chars().map(String::from).collect();
        let confusion = Confusion::new(&labels(&y), &predicted, names)?;
        let mut printout = vec![format!("Model Accuracy: {:.2}%", confusion.accuracy)];
        for (window, &p) in windows.iter().zip(&predicted) {
            let letters = window.iter().map(|&i| letter(i).map(|c| format!("'{c}'")));
            let letters = letters.collect::<Result<Vec<_>>>()?;
            printout.push(format!("[{}] -> {}", letters.join(", "), letter(p)?));
        }
        Ok(Outcome {
            epochs: self.epochs,
            accuracy: confusion.accuracy,
            evaluation: format!("model.evaluate on the {} training windows", x.len()),
            history,
            train_seconds,
            printout,
            confusion: Some(confusion),
        })
    }
}

impl Tutorial for AlphabetConfig {
    /// The tutorial's model: LSTM(32) on the window's `[steps, features]` -> Dense(26).
    fn model(&self) -> Result<ModelConfig> {
        let n = self.window.letters();
        let (steps, features) = match self.window {
            Window::TimeSteps(_) => (n, 1),
            Window::Features(_) => (1, n),
        };
        ModelConfig::new(steps, features, self.units, ALPHABET.len(), Topology::ManyToOne)
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn samples_per_epoch(&self) -> usize {
        crate::data::ALPHABET.len() - self.window.letters()
    }

    super::schedule_and_run!(epochs);
}

config_struct! {
    /// The tutorial's stateful variant, as an exercise: one letter per step, batch size 1, samples in
    /// order, the state carried through the whole alphabet and reset after each epoch, so that the
    /// model may learn the sequence from its state rather than from the letter it sees. Scored by
    /// predicting each next letter in order from `start` (the state reset just before it).
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    pub struct AlphabetStatefulConfig {
        /// Memory units (default 32, as the tutorial's other models).
        units / with_units: usize,
        /// Epochs, each one pass over the alphabet in order, then a state reset (default 500).
        epochs / with_epochs: usize,
        /// The letter the evaluation starts from: 0 is 'A' (default), 10 is 'K'.
        start / with_start: usize,
    }
}

impl Default for AlphabetStatefulConfig {
    fn default() -> Self {
        Self {
            units: 32,
            epochs: 500,
            start: 0,
        }
    }
}

impl AlphabetStatefulConfig {
    /// One letter per sample, scaled by `/26`: x `[25, 1, 1]` (A..Y), y one-hot `[25, 1, 26]`
    /// (the one-letter time-step window).
    pub fn dataset() -> Result<(Array3, Array3)> {
        let one_letter = AlphabetConfig {
            window: Window::TimeSteps(1),
            ..AlphabetConfig::two_step()
        };
        let (x, y, _) = one_letter.dataset()?;
        Ok((x, y))
    }
}

impl ParamGuard for AlphabetStatefulConfig {
    fn validate(&self) -> Result<()> {
        let inputs = ALPHABET.len() - 1;
        if self.start >= inputs {
            return Err(crate::Error::invalid(
                "start",
                format!("{} is past the last input letter ({})", self.start, inputs - 1),
            ));
        }
        FitConfig::new(self.epochs, 1).validate()?;
        self.model().map(|_| ())
    }
}

impl Checked<AlphabetStatefulConfig> {
    /// Trains (state carried, reset after each epoch) and scores from `start`.
    pub fn run(&self, options: &RunOptions, device: &Device) -> Result<Outcome> {
        let (x, y) = AlphabetStatefulConfig::dataset()?;
        let mut rng = ChaCha12Rng::seed_from_u64(options.seed);
        let model = self.model()?.init(&mut rng, &device.clone().autodiff())?;
        let mut learner = Learner::new(model, true)?;
        let fit = options
            .fit_config(1, 1)
            .with_progress(false)
            .with_shuffle(false)
            .check()?;
        let bar = crate::progress::progress_bar(options.progress, self.epochs as u64, "epochs");
        let mut history = crate::train::History::default();
        let start = Instant::now();
        for _ in 0..self.epochs {
            history.extend(learner.fit(&x, &y, &fit, &mut rng)?);
            learner.reset_states();
            bar.inc(1);
        }
        bar.finish_and_clear();
        let train_seconds = start.elapsed().as_secs_f64();
        let (x, y) = (x.slice(self.start, x.len()), y.slice(self.start, y.len()));
        let predicted = labels(&learner.predict(&x, 1)?);
        learner.reset_states();
        let expected = labels(&y);
        let accuracy = crate::metrics::accuracy_percent(&expected, &predicted)?;
        let first = letter(self.start)?;
        let shown = predicted.iter().map(|&p| letter(p)).collect::<Result<String>>()?;
        Ok(Outcome {
            epochs: self.epochs,
            accuracy,
            evaluation: format!(
                "next-letter accuracy over the {} letters from '{first}', state reset before '{first}'",
                x.len()
            ),
            history,
            train_seconds,
            printout: vec![format!("from '{first}': predicted {shown}")],
            confusion: None,
        })
    }
}

impl Tutorial for AlphabetStatefulConfig {
    /// LSTM(units) on `[1, 1]` -> Dense(26).
    fn model(&self) -> Result<ModelConfig> {
        ModelConfig::new(1, 1, self.units, ALPHABET.len(), Topology::ManyToOne)
    }

    fn batch_size(&self) -> usize {
        1
    }

    fn samples_per_epoch(&self) -> usize {
        ALPHABET.len() - 1
    }

    super::schedule_and_run!(epochs);
}
