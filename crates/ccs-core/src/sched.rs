//! Lockstep scheduling of the two processors on the shared clock (spec §10.1) and the
//! `run(limit)` stopping rule.
//!
//! Processors act in order of their candidate times (A first on ties), so every
//! action starts no earlier than the one before it. A processor in WAI never spins:
//! its candidate is computed from the known future events and the machine jumps
//! straight to it.

use crate::bits::Addr;
use crate::exec::StepEnd;
use crate::machine::{Machine, ProcId, RunState};
use crate::observer::{DebugRegisters, Observer};
use serde::{Deserialize, Serialize};

/// Why a processor stopped at the end of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stop {
    /// Reached its first boundary at or after the limit.
    Limit,
    /// Executed HLT with this code.
    Halted { code: Addr },
    /// In a WAI that no known event will ever end.
    WaitingForever,
    /// In a WAI that ends at `wake`, after the limit, which it could not reach
    /// without overtaking the other processor (dual runs only).
    Waiting { wake: u64 },
    /// Not enabled: held halted.
    Held,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Limit => f.write_str("reached the cycle limit"),
            Stop::Halted { code } => {
                write!(f, "halted with code {} (0o{:04o})", code.get(), code.get())
            }
            Stop::WaitingForever => f.write_str("waiting forever: no enabled event can wake it"),
            Stop::Waiting { wake } => write!(f, "waiting until t = {wake}"),
            Stop::Held => f.write_str("held (not enabled)"),
        }
    }
}

/// Outcome of one step request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// A step completed; the processor is at its next boundary.
    Stepped,
    /// The step reached a WAI that nothing will end.
    WaitingForever,
    /// The processor is halted or held and took no step.
    NotRunning,
    /// The observer stopped the step before its instruction: nothing was executed.
    Stopped,
}

impl Machine {
    /// Run until every processor has reached its first boundary at or after `limit`
    /// (absolute cycles), halted, or waits forever. A step that starts before
    /// `limit` always completes; a WAI runs to its wake time.
    pub fn run_until(&mut self, limit: u64) -> [Stop; 2] {
        self.run_until_observed(limit, &mut ())
    }

    /// Run for `cycles` more cycles of processor A's time (see [`Machine::run_until`]).
    pub fn run_for(&mut self, cycles: u64) -> [Stop; 2] {
        self.run_until(self.time().saturating_add(cycles))
    }

    /// [`Machine::run_until`] with an observer watching every step, read and write.
    pub fn run_until_observed<O: Observer>(&mut self, limit: u64, obs: &mut O) -> [Stop; 2] {
        loop {
            let ca = self.candidate(ProcId::A, limit);
            let cb = self.candidate(ProcId::B, limit);
            // An injected fault is delivered before anyone acts past it: it may halt,
            // stall or wake a processor that would otherwise sleep through it. When
            // nobody would act, a fault before the limit still comes (it may wake a
            // processor that would otherwise wait forever).
            let first = ca.unwrap_or(u64::MAX).min(cb.unwrap_or(u64::MAX));
            let fault = self.craft.env.next_fault_time();
            if fault < first && (first != u64::MAX || fault < limit) {
                self.deliver_through(fault);
                continue;
            }
            // Both running: turns taken in one loop (a stopping observer looks at the
            // machine after every step, so it goes step by step below).
            if !O::STOPS && ca.is_some() && cb.is_some() && self.pair_ready(limit) {
                self.run_pair(limit, obs);
                continue;
            }
            let (x, at, bound) = match (ca, cb) {
                (None, None) => break,
                (Some(a), None) => (ProcId::A, a, u64::MAX),
                (None, Some(b)) => (ProcId::B, b, u64::MAX),
                // A acts while t_A <= t_B; B while t_B < t_A.
                (Some(a), Some(b)) if a <= b => (ProcId::A, a, b.saturating_add(1)),
                (Some(a), Some(b)) => (ProcId::B, b, a),
            };
            if self.act(x, at, limit.min(bound), obs) == StepEnd::Stop {
                break;
            }
        }
        self.settle();
        ProcId::BOTH.map(|x| self.stop_reason(x))
    }

    /// Perform exactly one step of processor `x` (the vectors' and the debugger's
    /// single step), keeping the debug registers MAR, MDR and IR up to date. A WAI is
    /// completed at its wake time when one is known.
    pub fn step(&mut self, x: ProcId) -> StepOutcome {
        self.step_observed(x, &mut DebugRegisters(()))
    }

    pub fn step_observed<O: Observer>(&mut self, x: ProcId, obs: &mut O) -> StepOutcome {
        match self.cpu[x.index()].state {
            RunState::Running => {
                let before = self.cpu[x.index()].time;
                let end = self.run_running::<O, true>(x, u64::MAX, obs);
                // Stopped before the instruction: the processor has not moved.
                let cpu = &self.cpu[x.index()];
                if end == StepEnd::Stop && cpu.state == RunState::Running && cpu.time == before {
                    self.settle();
                    return StepOutcome::Stopped;
                }
            }
            RunState::Waiting(_) => {}
            RunState::Halted { .. } | RunState::Held => return StepOutcome::NotRunning,
        }
        if self.cpu[x.index()].is_waiting() {
            match self.wake_time(x) {
                Some(t) => {
                    self.complete_wait(x, t, obs);
                }
                None => return StepOutcome::WaitingForever,
            }
        }
        self.settle();
        StepOutcome::Stepped
    }

    /// When processor `x` next acts in a run to `limit`, or `None` if it does not.
    fn candidate(&self, x: ProcId, limit: u64) -> Option<u64> {
        let cpu = &self.cpu[x.index()];
        match cpu.state {
            RunState::Running => (cpu.time < limit).then_some(cpu.time),
            RunState::Waiting(_) => {
                let wake = self.wake_time(x)?;
                // A WAI begun before the limit runs to its wake time, unless the other
                // processor (stopped at the limit) still has earlier steps to take:
                // completing now would overtake it and break the time order.
                let other = &self.cpu[x.other().index()];
                let other_first = match other.state {
                    RunState::Running => other.time < wake,
                    RunState::Waiting(_) => self.wake_time(x.other()).is_some_and(|w| w < wake),
                    _ => false,
                };
                (wake < limit || !other_first).then_some(wake)
            }
            RunState::Halted { .. } | RunState::Held => None,
        }
    }

    /// Let processor `x` act at its candidate time `at`: complete its WAI there, or
    /// step while it runs before `end`. `Stop`: the observer ended the run.
    fn act<O: Observer>(&mut self, x: ProcId, at: u64, end: u64, obs: &mut O) -> StepEnd {
        if self.cpu[x.index()].is_waiting() {
            return self.complete_wait(x, at, obs);
        }
        self.run_running::<O, false>(x, end, obs)
    }

    /// Deliver the events up to the earliest boundary a processor rests at, so the
    /// state read after a run includes every event up to that boundary (spec §13.1).
    fn settle(&mut self) {
        let resting = self
            .cpu
            .iter()
            .filter_map(|c| match c.state {
                RunState::Running | RunState::Halted { .. } => Some(c.time),
                _ => None,
            })
            .min();
        if let Some(t) = resting
            && t >= self.craft.horizon
        {
            self.deliver_due(t);
        }
    }

    pub(crate) fn stop_reason(&self, x: ProcId) -> Stop {
        let cpu = &self.cpu[x.index()];
        match cpu.state {
            // A running processor only stops at a boundary at or after the limit.
            RunState::Running => Stop::Limit,
            RunState::Halted { code } => Stop::Halted { code },
            RunState::Held => Stop::Held,
            RunState::Waiting(_) => match self.wake_time(x) {
                Some(wake) => Stop::Waiting { wake },
                None => Stop::WaitingForever,
            },
        }
    }
}
