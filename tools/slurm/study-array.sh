#!/bin/sh
#SBATCH --array=1-50 --cpus-per-task=2
# The study's (experiment, seed) grid in 50 disjoint shards, one per array task. A task that is
# cancelled or preempted resumes from its finished cells when it runs again (sbatch --array=7).
# Once all have finished:  lstm-lab study merge parts/
# `just slurm-test` runs this very file on a one-node cluster, smaller: SHARDS, SEEDS and
# EXPERIMENTS from the environment, and a shorter --array.
lstm-lab study --seeds "${SEEDS:-1000}" ${EXPERIMENTS:+--experiments "$EXPERIMENTS"} \
    --shard "$SLURM_ARRAY_TASK_ID/${SHARDS:-50}" --jobs "${SLURM_CPUS_PER_TASK:-2}" --out parts/
