//! Running a lesson step by step on a [`Host`]: which step is shown, what its actions did,
//! replaying the steps before one to reach it. The same runner drives the desktop app
//! (where a run goes at the chosen speed and the runner waits for it) and [`Headless`]
//! (where every run ends at once).
//!
//! [`Headless`]: crate::Headless

use crate::format::{Action, Lesson, Step};

/// What performing an action led to.
#[derive(Clone, Debug, PartialEq)]
pub enum Performed {
    /// Done: what happened (`Ok`, `""` for nothing to add) or why it failed.
    Done(Result<String, String>),
    /// A run started; its outcome comes when it ends ([`Host::run_outcome`]).
    Running,
}

/// What carries a lesson's actions out.
pub trait Host {
    /// Carry out one action.
    fn perform(&mut self, action: &Action) -> Performed;
    /// The outcome of the run the latest action started, once it has ended (`None`:
    /// still under way).
    fn run_outcome(&mut self) -> Option<Result<String, String>>;
    /// Finish the run under way at once; its outcome.
    fn finish_run(&mut self) -> Result<String, String>;
    /// Cancel the run under way, if any (the step starts again).
    fn cancel_run(&mut self, why: &str);
    /// The machine as loaded at time 0 and the view as at the start of the lesson, before
    /// the steps up to one are replayed.
    fn restart(&mut self);
    /// A step is entered: what the step before it left on show that only it was about
    /// (the Inspector's selection) goes.
    fn enter_step(&mut self) {}
}

/// One action of the current step: what it is, and how it went (`None`: under way, or
/// not reached yet; `Ok("")`: done, nothing to add).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionResult {
    pub what: String,
    pub outcome: Option<Result<String, String>>,
}

/// An open lesson: which step is shown and what its actions did.
#[derive(Clone, Debug)]
pub struct LessonState {
    pub lesson: Lesson,
    /// The step shown (0-based).
    pub step: usize,
    /// The current step's actions, as far as they have been performed.
    pub results: Vec<ActionResult>,
    /// Actions of earlier steps that failed when the lesson was replayed to reach this one.
    pub earlier_failures: Vec<String>,
    /// Steps replayed to reach this one ([`LessonState::go`]).
    pub replayed: usize,
    next_action: usize,
    /// The latest action started a run; the next one waits for it.
    waiting: bool,
}

impl LessonState {
    pub fn new(lesson: Lesson) -> LessonState {
        LessonState {
            lesson,
            step: 0,
            results: Vec::new(),
            earlier_failures: Vec::new(),
            replayed: 0,
            next_action: 0,
            waiting: false,
        }
    }

    pub fn current(&self) -> &Step {
        &self.lesson.steps[self.step.min(self.lesson.steps.len() - 1)]
    }

    pub fn len(&self) -> usize {
        self.lesson.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lesson.steps.is_empty()
    }

    /// A run of this step is under way.
    pub fn is_running(&self) -> bool {
        self.waiting
    }

    /// Every action of the step has been performed (or a failure ended the step).
    pub fn is_done(&self) -> bool {
        !self.waiting && self.next_action >= self.current().actions.len()
    }

    /// The failures of this step's actions.
    pub fn failures(&self) -> impl Iterator<Item = &str> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Some(Err(e)) => Some(e.as_str()),
            _ => None,
        })
    }

    /// How the replay of the steps before this one went, after [`LessonState::go`]:
    /// `steps 1–11 OK`, or each failure.
    pub fn replay_summary(&self) -> Option<String> {
        match (self.replayed, self.earlier_failures.as_slice()) {
            (0, _) => None,
            (1, []) => Some("step 1 OK".into()),
            (n, []) => Some(format!("steps 1\u{2013}{n} OK")),
            (n, failures) => Some(format!(
                "of steps 1\u{2013}{n}, {} action(s) FAILED:\n{}",
                failures.len(),
                failures.iter().map(|f| format!("  {f}")).collect::<Vec<_>>().join("\n")
            )),
        }
    }

    /// Enter the first step.
    pub fn start(&mut self, host: &mut dyn Host) {
        self.enter(host, 0, false);
    }

    /// The next step: the current one is finished at once, so that the next one starts
    /// from the state it expects. False at the last step.
    pub fn next(&mut self, host: &mut dyn Host) -> bool {
        let next = self.step + 1;
        if next >= self.len() {
            return false;
        }
        self.finish_now(host);
        self.enter(host, next, false);
        true
    }

    /// Step `target` as a run through the lesson leaves it: a restart, then every action
    /// of steps 1 to `target` + 1, at once.
    pub fn go(&mut self, host: &mut dyn Host, target: usize) {
        let target = target.min(self.len() - 1);
        self.waiting = false;
        host.cancel_run("cancelled: the lesson went to another step");
        host.restart();
        let mut failures = Vec::new();
        for step in 0..=target {
            self.enter(host, step, true);
            if step < target {
                failures.extend(self.failures().map(|e| format!("step {}: {e}", step + 1)));
            }
        }
        self.earlier_failures = failures;
        self.replayed = target;
    }

    /// The current step's actions once more, from the state the machine is in now.
    pub fn repeat(&mut self, host: &mut dyn Host) {
        host.cancel_run("cancelled: the step started again");
        self.enter(host, self.step, false);
    }

    /// Finish the step's run and perform its remaining actions, at once.
    pub fn finish_now(&mut self, host: &mut dyn Host) {
        if self.waiting {
            let outcome = host.finish_run();
            self.record(outcome);
        }
        self.proceed(host, true);
    }

    /// Take the outcome of a run the step waits for, once it has ended, and go on with the
    /// step's actions (`at_once`: runs finish at once rather than at the chosen speed).
    pub fn poll(&mut self, host: &mut dyn Host, at_once: bool) {
        if self.waiting {
            match host.run_outcome() {
                None => return,
                Some(outcome) => self.record(outcome),
            }
        }
        self.proceed(host, at_once);
    }

    fn enter(&mut self, host: &mut dyn Host, step: usize, at_once: bool) {
        self.step = step.min(self.len() - 1);
        self.results.clear();
        self.next_action = 0;
        self.waiting = false;
        self.earlier_failures.clear();
        self.replayed = 0;
        host.enter_step();
        self.proceed(host, at_once);
    }

    /// The outcome of the latest action; a failure ends the step (what follows it would
    /// not find the state it expects).
    fn record(&mut self, outcome: Result<String, String>) {
        self.waiting = false;
        if outcome.is_err() {
            self.next_action = usize::MAX;
        }
        if let Some(last) = self.results.last_mut() {
            last.outcome = Some(outcome);
        }
    }

    fn proceed(&mut self, host: &mut dyn Host, at_once: bool) {
        while !self.waiting {
            let Some(action) = self.current().actions.get(self.next_action).cloned() else { return };
            self.next_action += 1;
            self.results.push(ActionResult { what: action.describe(), outcome: None });
            match host.perform(&action) {
                Performed::Done(outcome) => self.record(outcome),
                Performed::Running if at_once => {
                    let outcome = host.finish_run();
                    self.record(outcome);
                }
                Performed::Running => self.waiting = true,
            }
        }
    }
}
