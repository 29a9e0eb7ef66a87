//! One step of one processor (spec §7.4): interrupt acceptance or one instruction,
//! with the instruction semantics of §8, the I/O of §9 and the voting of §10.2.
//! Also the delivery of timed events (clock levels, environment inputs, pairing
//! deadlines) into latches and PEND.

use crate::bits::{Addr, Bits, FdsWord, Word};
use crate::env::Input;
use crate::fault::Fault;
use crate::io::{DcmEffect, channel, channel_info, discrete_command, level};
use crate::isa::{BASE_CYCLES, Instruction, Opcode, timing};
use crate::machine::{
    Command, Machine, Mode, Output, PAIRING_DEADLINE, ProcId, Processor, RunState, Source, Spacecraft, StepBefore,
    T1H_PERIOD, T1S_PERIOD, T10_PERIOD, Unit, Unpaired, Wait, WriteKind, cc, err,
};
use crate::observer::{MemoryId, Observer, StepRecord, WriteRecord};

/// Clock levels and their periods.
pub(crate) const CLOCKS: [(u32, u64); 3] =
    [(level::T10, T10_PERIOD), (level::T1S, T1S_PERIOD), (level::T1H, T1H_PERIOD)];

/// First multiple of `period` (k >= 1) at or after `from`.
#[inline]
pub(crate) fn next_tick(from: u64, period: u64) -> u64 {
    from.max(1).div_ceil(period) * period
}

/// Outcome of executing one instruction word.
enum Flow {
    Done {
        cycles: u32,
        transferred: bool,
    },
    /// A WAI began at `wai_start`; its completion waits for a wake-up.
    Wait {
        wai_start: u64,
    },
}

/// The CC of a burst in one host word, set from a result in one or two host
/// instructions: the result itself, with OVF above it. NZ = any result bit, NEG = the
/// sign bit, ODD = the parity of the result bits. A bit count costs ~12 host
/// instructions on baseline x86-64 (no `popcnt`), so ODD is only worked out when CC is
/// read whole (SCC, acceptance, the end of a burst) or tested (JOD, JEV). A CC loaded
/// whole (LCC, the return from a trap cell) that no result gives (NEG or ODD without
/// NZ) uses the two spare bits.
mod ccr {
    use crate::machine::cc;

    pub const RESULT: u32 = 0o777777;
    /// Counted in ODD only.
    const ODD_FIX: u32 = 1 << 18;
    /// NEG without a result.
    const NEG_ALONE: u32 = 1 << 19;
    pub const OVF: u32 = 1 << 20;
    pub const NEG: u32 = (1 << 17) | NEG_ALONE;
    const ODD: u32 = RESULT | ODD_FIX;

    /// From a 4-bit CC.
    #[inline(always)]
    pub const fn encode(v: u32) -> u32 {
        let nz = (v & cc::NZ != 0) as u32;
        let odd = (v & cc::ODD != 0) as u32;
        (if v & cc::OVF != 0 { OVF } else { 0 })
            | (if v & cc::NEG != 0 { NEG_ALONE } else { 0 })
            | nz
            | ((odd ^ nz) << 18)
    }

    /// To a 4-bit CC.
    #[inline(always)]
    pub const fn decode(r: u32) -> u32 {
        (if r & OVF != 0 { cc::OVF } else { 0 })
            | (if r & NEG != 0 { cc::NEG } else { 0 })
            | (((r & ODD).count_ones() & 1) << 1)
            | (r & RESULT != 0) as u32
    }

    #[inline(always)]
    pub const fn odd(r: u32) -> bool {
        (r & ODD).count_ones() & 1 != 0
    }
}

/// Overflow of an exact sum or difference of two signed 18-bit values.
#[inline(always)]
fn ovf(v: i32) -> bool {
    !(-131072..=131071).contains(&v)
}

/// Request `level` in `cpu` at `time`, arming a WAI in progress if the level is unmasked.
#[inline]
pub(crate) fn request(cpu: &mut Processor, level: u32, time: u64) {
    cpu.regs.pend |= 1 << level;
    if cpu.regs.mask & (1 << level) == 0
        && let RunState::Waiting(w) = &mut cpu.state
    {
        w.armed = Some(w.armed.map_or(time, |a| a.min(time)));
    }
}

/// Split the processor pair into (acting, other).
#[inline(always)]
fn split(cpus: &mut [Processor; 2], x: ProcId) -> (&mut Processor, &mut Processor) {
    let [a, b] = cpus;
    match x {
        ProcId::A => (a, b),
        ProcId::B => (b, a),
    }
}

/// Execution context of a burst of steps of one processor. P, A, L, CC and the time
/// live here (in host registers) from [`Exec::new`] to [`Exec::write_back`]; the other
/// registers stay in the processor, and whatever changes them ends the burst.
struct Exec<'a, O: Observer> {
    me: &'a mut Processor,
    other: &'a mut Processor,
    craft: &'a mut Spacecraft,
    obs: &'a mut O,
    /// P, A, L, CC and the step's start time, in host registers for the burst.
    hot: Hot,
    /// The burst ends after the step that ends at or after this time; 0 ends it after
    /// the current step (see [`Exec::leave`]).
    bound: u64,
    /// Instructions executed since `new`, for the counters.
    instructions: u64,
    /// The acting processor (`me.id`, kept here: a load through `me` after a store
    /// cannot be proven unchanged).
    id: ProcId,
    /// Executing a trap cell: the continuation address N is P itself, not P + 1.
    trap: bool,
    /// Set when the step changed something another processor's schedule depends on.
    disturbed: bool,
}

/// How [`Exec::burst`] or [`Exec::accept`] ended.
enum BurstEnd {
    /// At its bound, or a step called `leave`.
    Ended,
    /// A WAI began in the step that started at `s` (not completed: the processor waits).
    Wait { wai_start: u64, before: StepBefore, trap: bool },
    /// The observer stopped the run before an instruction (nothing of it executed).
    Stop,
}

/// The hot state of a processor ([`Exec`]'s P, A, L, CC and time) while a pair run
/// ([`Machine::run_pair`]) has the other processor acting: kept out of the processor,
/// so handing the turn over costs no CC conversion.
#[derive(Clone, Copy)]
struct Hot {
    /// Start time of the current step: every effect carries it.
    s: u64,
    p: Addr,
    a: Word,
    l: Addr,
    /// CC as [`ccr`] holds it.
    ccr: u32,
    /// Bit `block` (program stores) and bit `4 + block` (memory loads): a write of that
    /// kind into the block takes effect as written (its jumper allows it and no fault
    /// overlay is active), so the store needs no other check. Jumpers and the overlay
    /// change only between bursts (set-up, fault delivery).
    direct: u8,
}

impl Hot {
    #[inline(always)]
    fn of(cpu: &Processor, craft: &Spacecraft) -> Hot {
        let r = &cpu.regs;
        Hot { s: cpu.time, p: r.p, a: r.a, l: r.l, ccr: ccr::encode(r.cc.get()), direct: direct_stores(cpu, craft) }
    }

    /// Put it back into the processor.
    #[inline(always)]
    fn store(self, cpu: &mut Processor) {
        let r = &mut cpu.regs;
        (r.p, r.a, r.l, r.cc) = (self.p, self.a, self.l, Bits::wrapping(ccr::decode(self.ccr)));
        cpu.time = self.s;
    }
}

impl<'a, O: Observer> Exec<'a, O> {
    #[inline(always)]
    fn new(me: &'a mut Processor, other: &'a mut Processor, craft: &'a mut Spacecraft, obs: &'a mut O) -> Self {
        let hot = Hot::of(me, craft);
        Exec::resume(me, other, craft, obs, hot)
    }

    /// A context whose hot state is `hot` (the processor's own copy may be stale).
    #[inline(always)]
    fn resume(
        me: &'a mut Processor,
        other: &'a mut Processor,
        craft: &'a mut Spacecraft,
        obs: &'a mut O,
        hot: Hot,
    ) -> Self {
        let id = me.id;
        Exec { me, other, craft, obs, hot, bound: 0, instructions: 0, id, trap: false, disturbed: false }
    }

    /// The hot state, with the instructions counted into the counters.
    #[inline(always)]
    fn suspend(&mut self) -> Hot {
        self.craft.counters.instructions[self.id.index()] += std::mem::take(&mut self.instructions);
        self.hot
    }

    /// Put the hot state back into the processor.
    #[inline(always)]
    fn write_back(&mut self) {
        let hot = self.suspend();
        hot.store(self.me);
    }

    /// The whole CC.
    #[inline(always)]
    fn cc(&self) -> Bits<4> {
        Bits::wrapping(ccr::decode(self.hot.ccr))
    }

    #[inline(always)]
    fn set_cc(&mut self, v: u32) {
        self.hot.ccr = ccr::encode(v);
    }

    /// Registers before a step, for step records.
    #[inline(always)]
    fn before(&self, p: Addr, word: Word, level: Option<u8>) -> StepBefore {
        StepBefore { p, word, level, a: self.hot.a, l: self.hot.l, cc: self.cc() }
    }

    /// The continuation address N (P does not change before a step's last act).
    #[inline(always)]
    fn n(&self) -> Addr {
        if self.trap { self.hot.p } else { self.hot.p.wrapping_add(1) }
    }

    /// The step changed PEND, MASK, IE or the run state: the burst ends after it.
    #[inline(always)]
    fn leave(&mut self) {
        self.bound = 0;
    }

    /// The step changed another processor's schedule (and so this burst's).
    #[inline(always)]
    fn disturb(&mut self) {
        self.disturbed = true;
        self.leave();
    }

    /// Instructions from P, each a whole step, until one ends at or after `bound`, calls
    /// `leave`, begins a WAI, or the observer stops the run. The first always runs (when
    /// the observer lets it), whatever `bound`: 0 makes a single step.
    #[inline(always)]
    fn burst(&mut self, bound: u64) -> BurstEnd {
        self.bound = bound;
        loop {
            let (s, p) = (self.hot.s, self.hot.p);
            let id = self.id;
            if O::STOPS && self.obs.before_instruction(id, s, p).is_break() {
                return BurstEnd::Stop;
            }
            let word = self.me.memory.at(p);
            // Registers before the step, for observers that want step records.
            let before = O::STEPS.then(|| self.before(p, word, None));
            self.obs.read(s, id, MemoryId::Ccs(id), p.get());
            self.instructions += 1;
            match self.execute::<false>(word, s) {
                Flow::Done { cycles, .. } => {
                    self.hot.s = s + cycles as u64;
                    if let Some(before) = before {
                        self.obs.step(&StepRecord { proc: id, start: s, before, cycles: cycles as u64 });
                    }
                }
                Flow::Wait { wai_start } => {
                    return BurstEnd::Wait { wai_start, before: self.before(p, word, None), trap: false };
                }
            }
            if self.hot.s >= self.bound {
                return BurstEnd::Ended;
            }
        }
    }

    /// Accept level `k` (spec §7.5): the acceptance step, which executes trap cell `k`.
    #[inline(always)]
    fn accept(&mut self, k: u32) -> BurstEnd {
        let (s, p, id) = (self.hot.s, self.hot.p, self.id);
        let word = self.me.memory.at(Addr::wrapping(k));
        let before = self.before(p, word, Some(k as u8));
        let cc = self.cc();
        let regs = &mut self.me.regs;
        regs.pend &= !(1 << k);
        regs.ie = false;
        regs.dump = Bits::wrapping(16 * k + cc.get());
        self.craft.counters.accepted[id.index()][k as usize] += 1;
        self.obs.read(s, id, MemoryId::Ccs(id), k);
        self.trap = true;
        self.leave();
        let acceptance = timing::ACCEPTANCE as u64;
        match self.execute::<false>(word, s + acceptance) {
            Flow::Done { cycles, transferred } => {
                if !transferred {
                    // A non-transfer in a trap cell resumes the interrupted program.
                    self.set_cc(self.me.regs.dump.get());
                    self.me.regs.ie = true;
                }
                let cycles = cycles as u64 + acceptance;
                self.hot.s = s + cycles;
                if O::STEPS {
                    self.obs.step(&StepRecord { proc: id, start: s, before, cycles });
                }
                BurstEnd::Ended
            }
            Flow::Wait { wai_start } => BurstEnd::Wait { wai_start, before, trap: true },
        }
    }

    #[inline(always)]
    fn read(&mut self, a: Addr) -> Word {
        let w = self.me.memory.at(a);
        if O::DEBUG_REGISTERS {
            self.me.regs.mar = a;
            self.me.regs.mdr = w;
        }
        self.obs.read(self.hot.s, self.id, MemoryId::Ccs(self.id), a.get());
        w
    }

    #[inline(always)]
    fn read_other(&mut self, a: Addr) -> Word {
        let w = self.other.memory.at(a);
        if O::DEBUG_REGISTERS {
            self.me.regs.mar = a;
            self.me.regs.mdr = w;
        }
        self.obs.read(self.hot.s, self.id, MemoryId::Ccs(self.other.id), a.get());
        w
    }

    /// A write into the executing processor's memory, checked against its jumpers.
    #[inline(always)]
    fn store(&mut self, a: Addr, v: Word, kind: WriteKind) {
        // Read only when an observer wants it (dead code otherwise).
        let old = self.me.memory.at(a).get();
        let bit = a.block() as u32 + if kind == WriteKind::MemoryLoad { 4 } else { 0 };
        let done = if self.hot.direct >> bit & 1 != 0 {
            self.me.memory.set(a.index(), v);
            true
        } else {
            let done = checked_store(self.me, self.craft, a, v, kind);
            if !done {
                self.leave();
            }
            done
        };
        if O::DEBUG_REGISTERS {
            self.me.regs.mar = a;
            self.me.regs.mdr = v;
        }
        let memory = MemoryId::Ccs(self.id);
        self.obs.write(&WriteRecord {
            time: self.hot.s,
            by: self.id,
            memory,
            addr: a.get(),
            value: v.get(),
            old,
            kind: Some(kind),
            done,
        });
    }

    /// A program store into the other processor's memory: checked against the other
    /// processor's jumpers, error raised here.
    #[inline(always)]
    fn store_other(&mut self, a: Addr, v: Word) {
        let old = self.other.memory.at(a).get();
        let done = self.other.jumpers.allows(a, WriteKind::ProgramStore);
        if done {
            if let Some(v) = self.through_faults(MemoryId::Ccs(self.other.id), a.get(), v) {
                self.other.memory.set(a.index(), v);
            }
        } else {
            self.violation(a);
        }
        self.obs.write(&WriteRecord {
            time: self.hot.s,
            by: self.id,
            memory: MemoryId::Ccs(self.other.id),
            addr: a.get(),
            value: v.get(),
            old,
            kind: Some(WriteKind::ProgramStore),
            done,
        });
    }

    /// What a write leaves in a faulty word (`None`: lost in a dead word).
    #[inline(always)]
    fn through_faults(&self, memory: MemoryId, addr: u32, v: Word) -> Option<Word> {
        if !self.craft.faults.active {
            return Some(v);
        }
        self.craft.faults.filter(memory, addr, v.get()).map(Word::wrapping)
    }

    /// Suppressed write: PEND[0], ERR[0] and the address into ERR[17:6].
    #[inline(always)]
    fn violation(&mut self, a: Addr) {
        violation(self.me, &mut self.craft.counters, a);
        self.leave();
    }

    /// NEG, ODD and NZ from a result; OVF kept.
    #[inline(always)]
    fn logic(&mut self, r: Word) {
        self.hot.ccr = (self.hot.ccr & ccr::OVF) | r.get();
    }

    /// All four flags.
    #[inline(always)]
    fn arith(&mut self, r: Word, overflow: bool) {
        self.hot.ccr = (if overflow { ccr::OVF } else { 0 }) | r.get();
    }

    /// Load A and set NEG, ODD, NZ.
    #[inline(always)]
    fn load_a(&mut self, v: Word) {
        self.hot.a = v;
        self.logic(v);
    }

    /// Non-transfer: P <- N.
    #[inline(always)]
    fn advance(&mut self) -> bool {
        self.hot.p = self.n();
        false
    }

    /// Skip (normal context only; trap cells never skip).
    #[inline(always)]
    fn skip(&mut self) -> bool {
        self.hot.p = if self.trap { self.hot.p } else { self.hot.p.wrapping_add(2) };
        false
    }

    /// Taken transfer with the link rule.
    #[inline(always)]
    fn jump(&mut self, target: Addr) -> bool {
        if !self.trap {
            self.hot.l = self.n();
        }
        self.hot.p = target;
        true
    }

    #[inline(always)]
    fn branch(&mut self, condition: bool, target: Addr) -> bool {
        if condition { self.jump(target) } else { self.advance() }
    }

    /// A CC flag other than ODD.
    #[inline(always)]
    fn flag(&self, bit: u32) -> bool {
        let mask = match bit {
            cc::NZ => ccr::RESULT,
            cc::NEG => ccr::NEG,
            _ => ccr::OVF,
        };
        self.hot.ccr & mask != 0
    }

    #[inline(always)]
    fn odd(&self) -> bool {
        ccr::odd(self.hot.ccr)
    }

    /// `sum` = s(A) + s(v) exactly; A <- sum mod 2^18 with all four flags.
    #[inline(always)]
    fn add_to_a(&mut self, v: Word, subtract: bool, keep_a: bool) {
        let a = self.hot.a;
        let (exact, r) = if subtract {
            (a.signed() - v.signed(), a.wrapping_sub(v.get()))
        } else {
            (a.signed() + v.signed(), a.wrapping_add(v.get()))
        };
        if !keep_a {
            self.hot.a = r;
        }
        self.arith(r, ovf(exact));
    }
    /// Execute one instruction word in the step's context. `start` is when this
    /// word starts executing (later than the step start for trap cells and XCT
    /// targets); only a WAI needs it.
    #[inline(always)]
    fn execute<const IN_XCT: bool>(&mut self, w: Word, start: u64) -> Flow {
        use Opcode::*;
        let ins = Instruction::decode(w);
        let a = ins.field;
        if O::DEBUG_REGISTERS {
            self.me.regs.ir = w;
        }
        // The base cycles are added after the match, where each arm knows its opcode.
        let mut cycles = 0u32;
        let transferred = match ins.opcode {
            HLT => {
                self.me.state = RunState::Halted { code: a };
                self.leave();
                self.advance()
            }
            NOP => self.advance(),
            WAI => return Flow::Wait { wai_start: start },
            XCT if IN_XCT => return self.illegal_chain(a),
            XCT => return self.xct(a, start),
            EIN => {
                self.me.regs.ie = true;
                self.leave();
                self.advance()
            }
            DIN => {
                self.me.regs.ie = false;
                self.leave();
                self.advance()
            }
            SWI => {
                self.me.regs.pend |= 1 << a.low5();
                self.leave();
                self.advance()
            }
            CLP => {
                self.me.regs.pend &= !(1 << a.low5());
                self.leave();
                self.advance()
            }
            JMP => self.jump(a),
            CAL => {
                self.store(a, JMP.encode(self.n()), WriteKind::ProgramStore);
                self.jump(a.wrapping_add(1))
            }
            CAD => {
                let ret = JMP.encode(self.n());
                self.store(a, ret, WriteKind::ProgramStore);
                self.store_other(a, ret);
                self.jump(a.wrapping_add(1))
            }
            RET => {
                let target = self.hot.l;
                self.jump(target)
            }
            RTI => {
                self.hot.p = self.read(a).field();
                self.me.regs.ie = true;
                self.leave();
                true
            }
            INP => {
                let v = self.input(a);
                self.load_a(v);
                self.advance()
            }
            OUT => {
                self.output(a);
                self.advance()
            }
            DCM => {
                self.voted(Command::Dcm { number: a });
                self.advance()
            }
            JZE => self.branch(!self.flag(cc::NZ), a),
            JNZ => self.branch(self.flag(cc::NZ), a),
            JMI => self.branch(self.flag(cc::NEG), a),
            JPL => self.branch(!self.flag(cc::NEG), a),
            JOV => self.branch(self.flag(cc::OVF), a),
            JNO => self.branch(!self.flag(cc::OVF), a),
            JOD => self.branch(self.odd(), a),
            JEV => self.branch(!self.odd(), a),
            LML => {
                let m = self.read(a).get();
                let r = &mut self.me.regs;
                r.mask = (r.mask & 0xFFFF_0000) | (m & 0xFFFF);
                self.leave();
                self.advance()
            }
            LMH => {
                let m = self.read(a).get();
                let r = &mut self.me.regs;
                r.mask = (r.mask & 0x0000_FFFF) | ((m & 0xFFFF) << 16);
                self.leave();
                self.advance()
            }
            SML => {
                let v = Word::wrapping(self.me.regs.mask & 0xFFFF);
                self.store(a, v, WriteKind::ProgramStore);
                self.advance()
            }
            SMH => {
                let v = Word::wrapping(self.me.regs.mask >> 16);
                self.store(a, v, WriteKind::ProgramStore);
                self.advance()
            }
            LCC => {
                let v = self.read(a).get();
                self.set_cc(v);
                self.advance()
            }
            SCC => {
                let v = Word::wrapping(self.cc().get());
                self.store(a, v, WriteKind::ProgramStore);
                self.advance()
            }
            LDL => {
                self.load_a(Word::wrapping(self.hot.l.get()));
                self.advance()
            }
            STL => {
                self.hot.l = Addr::wrapping(self.hot.a.get());
                self.advance()
            }
            LDA => {
                let v = self.read(a);
                self.load_a(v);
                self.advance()
            }
            LDI => {
                self.load_a(a.sign_extended());
                self.advance()
            }
            LDX => {
                let v = self.read_other(a);
                self.load_a(v);
                self.advance()
            }
            STA => {
                self.store(a, self.hot.a, WriteKind::ProgramStore);
                self.advance()
            }
            STD => {
                let v = self.hot.a;
                self.store(a, v, WriteKind::ProgramStore);
                self.store_other(a, v);
                self.advance()
            }
            MLD => {
                self.store(a, self.hot.a, WriteKind::MemoryLoad);
                self.advance()
            }
            XCH => {
                let m = self.read(a);
                self.store(a, self.hot.a, WriteKind::ProgramStore);
                self.load_a(m);
                self.advance()
            }
            SAF => {
                let m = self.read(a);
                let v = Word::from_parts(Addr::wrapping(self.hot.a.get()), m.opcode_bits());
                self.store(a, v, WriteKind::ProgramStore);
                self.advance()
            }
            ADD => {
                let m = self.read(a);
                self.add_to_a(m, false, false);
                self.advance()
            }
            SUB => {
                let m = self.read(a);
                self.add_to_a(m, true, false);
                self.advance()
            }
            ADI => {
                self.add_to_a(a.sign_extended(), false, false);
                self.advance()
            }
            CMP => {
                let m = self.read(a);
                self.add_to_a(m, true, true);
                self.advance()
            }
            CPI => {
                self.add_to_a(a.sign_extended(), true, true);
                self.advance()
            }
            NGA => {
                let old = self.hot.a;
                let r = Word::ZERO.wrapping_sub(old.get());
                self.hot.a = r;
                self.arith(r, old.get() == Word::SIGN);
                self.advance()
            }
            CPL => {
                self.load_a(Word::wrapping(!self.hot.a.get()));
                self.advance()
            }
            CLR => {
                self.load_a(Word::ZERO);
                self.advance()
            }
            AND => {
                let m = self.read(a);
                self.load_a(Word::wrapping(self.hot.a.get() & m.get()));
                self.advance()
            }
            IOR => {
                let m = self.read(a);
                self.load_a(Word::wrapping(self.hot.a.get() | m.get()));
                self.advance()
            }
            XOR => {
                let m = self.read(a);
                self.load_a(Word::wrapping(self.hot.a.get() ^ m.get()));
                self.advance()
            }
            ANI => {
                self.load_a(Word::wrapping(self.hot.a.get() & a.get()));
                self.advance()
            }
            // One arm per shift, so the shift is not dispatched a second time.
            ASL => self.shift_step(ASL, a, &mut cycles),
            ASR => self.shift_step(ASR, a, &mut cycles),
            LSL => self.shift_step(LSL, a, &mut cycles),
            LSR => self.shift_step(LSR, a, &mut cycles),
            ROL => self.shift_step(ROL, a, &mut cycles),
            ROR => self.shift_step(ROR, a, &mut cycles),
            INC | ISZ => {
                let m = self.read(a);
                let r = m.wrapping_add(1);
                self.store(a, r, WriteKind::ProgramStore);
                self.arith(r, m.get() == 0o377777);
                if ins.opcode == ISZ && r == Word::ZERO { self.skip() } else { self.advance() }
            }
            DEC | DSZ => {
                let m = self.read(a);
                let r = m.wrapping_sub(1);
                self.store(a, r, WriteKind::ProgramStore);
                self.arith(r, m.get() == Word::SIGN);
                if ins.opcode == DSZ && r == Word::ZERO { self.skip() } else { self.advance() }
            }
            INA => {
                let m = self.read(a);
                let v = Word::from_parts(m.field().wrapping_add(1), m.opcode_bits());
                self.store(a, v, WriteKind::ProgramStore);
                self.advance()
            }
            IND => {
                let m = self.read(a);
                let m2 = self.read_other(a);
                let r = m.wrapping_add(1);
                self.store(a, r, WriteKind::ProgramStore);
                self.store_other(a, m2.wrapping_add(1));
                self.arith(r, m.get() == 0o377777);
                self.advance()
            }
        };
        Flow::Done { cycles: cycles + BASE_CYCLES[ins.opcode as usize] as u32, transferred }
    }

    /// XCT (spec §8.4): run M[a] in this context, or flag an illegal chain.
    #[inline(always)]
    fn xct(&mut self, a: Addr, start: u64) -> Flow {
        let target = self.read(a);
        if target.opcode_bits() == Opcode::XCT as u8 {
            return self.illegal_chain(a);
        }
        match self.execute::<true>(target, start + timing::XCT as u64) {
            Flow::Done { cycles, transferred } => Flow::Done { cycles: timing::XCT + cycles, transferred },
            wait => wait,
        }
    }

    #[inline(always)]
    fn illegal_chain(&mut self, a: Addr) -> Flow {
        illegal_chain(&mut self.me.regs, a);
        self.leave();
        self.advance();
        Flow::Done { cycles: timing::ILLEGAL_CHAIN, transferred: false }
    }

    /// A shift instruction with its count from the field: count cycles more.
    #[inline(always)]
    fn shift_step(&mut self, op: Opcode, a: Addr, cycles: &mut u32) -> bool {
        let count = a.low5();
        *cycles += count;
        self.shift(op, count);
        self.advance()
    }

    #[inline(always)]
    fn shift(&mut self, op: Opcode, n: u32) {
        let a = self.hot.a.get();
        self.me.regs.sc = Bits::wrapping(n);
        match op {
            Opcode::ASL => {
                // OVF iff the bits shifted through the sign position are not all equal.
                let overflow = match n {
                    0 => false,
                    18.. => a != 0,
                    _ => {
                        let top = a >> (17 - n);
                        top != 0 && top != (1 << (n + 1)) - 1
                    }
                };
                let r = if n >= 18 { Word::ZERO } else { Word::wrapping(a << n) };
                self.hot.a = r;
                self.arith(r, overflow);
            }
            Opcode::ASR => {
                let r = Word::from_signed((Word::wrapping(a).signed() >> n.min(17)) as i64);
                self.hot.a = r;
                self.arith(r, false);
            }
            Opcode::LSL => self.load_a(if n >= 18 { Word::ZERO } else { Word::wrapping(a << n) }),
            Opcode::LSR => self.load_a(if n >= 18 { Word::ZERO } else { Word::wrapping(a >> n) }),
            Opcode::ROL | Opcode::ROR => {
                let k = n % 18;
                let k = if op == Opcode::ROL { k } else { (18 - k) % 18 };
                let r = if k == 0 { a } else { (a << k) | (a >> (18 - k)) };
                self.load_a(Word::wrapping(r));
            }
            _ => unreachable!("shift() is only called for shift opcodes"),
        }
    }

    /// INP (spec §9.1, §9.4).
    #[inline(always)]
    fn input(&mut self, c: Addr) -> Word {
        match c.get() {
            channel::MAILBOX => self.me.mailbox,
            channel::STATUS => status_word(self.me, self.craft),
            channel::ERR => std::mem::take(&mut self.me.regs.err),
            channel::FDS_DATA => {
                let (unit, addr) = fds_target(self.me.fla);
                self.obs.read(self.hot.s, self.id, MemoryId::Fds(unit as u8), addr as u32);
                let v = self.craft.fds[unit].get(addr);
                self.me.fla = fds_next(self.me.fla);
                Word::wrapping(v.get())
            }
            channel::AACS_DATA => {
                let (unit, addr) = aacs_target(self.me.ala);
                self.obs.read(self.hot.s, self.id, MemoryId::Aacs(unit as u8), addr as u32);
                let v = self.craft.aacs[unit].get(addr);
                self.me.ala = aacs_next(self.me.ala);
                v
            }
            ch => self.craft.latches.get(ch).unwrap_or(Word::ZERO),
        }
    }

    /// OUT (spec §9.1, §9.4). Every OUT is logged (C1); voted ones when issued.
    #[inline(always)]
    fn output(&mut self, c: Addr) {
        let value = self.hot.a;
        let command = Command::Out { channel: c, value };
        match c.get() {
            ch if channel_info(ch).is_some_and(|i| i.is_voted()) => return self.voted(command),
            channel::MAILBOX => {
                self.other.mailbox = value;
                request(self.other, level::OTH, self.hot.s);
                self.disturb();
            }
            channel::FDS_LOAD_ADDRESS => self.me.fla = Bits::wrapping(value.get()),
            channel::FDS_DATA => {
                let (unit, addr) = fds_target(self.me.fla);
                let old = self.craft.fds[unit].get(addr).get();
                if let Some(v) = self.through_faults(MemoryId::Fds(unit as u8), addr as u32, value) {
                    self.craft.fds[unit].set(addr, FdsWord::wrapping(v.get()));
                }
                self.me.fla = fds_next(self.me.fla);
                self.attached_write(MemoryId::Fds(unit as u8), addr, value.get() & 0xFFFF, old);
            }
            channel::AACS_LOAD_ADDRESS => self.me.ala = Bits::wrapping(value.get()),
            channel::AACS_DATA => {
                let (unit, addr) = aacs_target(self.me.ala);
                let old = self.craft.aacs[unit].get(addr).get();
                if let Some(v) = self.through_faults(MemoryId::Aacs(unit as u8), addr as u32, value) {
                    self.craft.aacs[unit].set(addr, v);
                }
                self.me.ala = aacs_next(self.me.ala);
                self.attached_write(MemoryId::Aacs(unit as u8), addr, value.get(), old);
            }
            _ => {}
        }
        self.log(Source::from(self.id), command);
    }

    #[inline(always)]
    fn attached_write(&mut self, memory: MemoryId, addr: usize, value: u32, old: u32) {
        self.obs.write(&WriteRecord {
            time: self.hot.s,
            by: self.id,
            memory,
            addr: addr as u32,
            value,
            old,
            kind: None,
            done: true,
        });
    }

    #[inline(always)]
    fn log(&mut self, source: Source, command: Command) {
        self.craft.outputs.push(Output { time: self.hot.s, source, command });
    }

    /// A voted-class command through the output unit (spec §10.2).
    #[inline(always)]
    fn voted(&mut self, command: Command) {
        let x = self.id;
        let mode = self.craft.mode;
        if mode == Mode::Individual {
            return self.issue(Source::from(x), command);
        }
        if let Some(head) = self.craft.fifos[x.other().index()].pop_front() {
            match (mode, head.command == command) {
                (Mode::Tandem, true) => self.issue(Source::AB, command),
                (Mode::Tandem, false) => self.tandem_error(),
                (_, true) => {} // PARALLEL: the equal second of a pair is suppressed
                (_, false) => self.issue(Source::from(x), command),
            }
            return;
        }
        let deadline = self.hot.s + PAIRING_DEADLINE;
        self.craft.fifos[x.index()].push_back(Unpaired { command, deadline });
        self.craft.next_due.0 = self.craft.next_due.0.min(deadline);
        self.disturb();
        if mode == Mode::Parallel {
            self.issue(Source::from(x), command);
        }
    }

    /// Tandem disagreement: level 0 and ERR[1] in both processors.
    #[inline(always)]
    fn tandem_error(&mut self) {
        for cpu in [&mut *self.me, &mut *self.other] {
            cpu.regs.err = Word::wrapping(cpu.regs.err.get() | err::TANDEM);
            request(cpu, level::ERR, self.hot.s);
        }
        self.disturb();
    }

    /// The output unit issues a command: log it and apply its effect.
    #[inline(always)]
    fn issue(&mut self, source: Source, command: Command) {
        self.log(source, command);
        let Command::Dcm { number } = command else {
            return;
        };
        let Some(dcm) = discrete_command(number.get()) else {
            return;
        };
        match dcm.effect {
            DcmEffect::Swap(unit) => {
                self.disturb();
                let c = &mut *self.craft;
                c.selections.swap(unit);
                // The device models now take their inputs from the newly selected unit:
                // the heartbeat from the other AACS, the uplink through the other
                // receiver, the RF monitors from the other amplifier or exciter.
                c.next_due.0 = 0;
                let word = Word::wrapping(c.env.health().rf_word(c.selections));
                if c.env.models().rf_monitors && word != c.latches.rf_monitors {
                    c.latches.rf_monitors = word;
                    request(self.me, level::RFM, self.hot.s);
                    request(self.other, level::RFM, self.hot.s);
                }
            }
            DcmEffect::SetMode(mode) => {
                self.craft.mode = mode;
                self.craft.fifos = Default::default();
                self.disturb();
            }
            DcmEffect::Logged => {}
        }
    }
}

/// A write outside [`Hot::direct`]: against the jumpers and through the fault overlay.
/// Returns whether the jumpers let it through. (Apart from [`Exec`], as `violation`.)
#[cold]
#[inline(never)]
fn checked_store(me: &mut Processor, craft: &mut Spacecraft, a: Addr, v: Word, kind: WriteKind) -> bool {
    let done = me.jumpers.allows(a, kind);
    if done {
        let faults = &craft.faults;
        let v = if faults.active {
            faults.filter(MemoryId::Ccs(me.id), a.get(), v.get()).map(Word::wrapping)
        } else {
            Some(v)
        };
        if let Some(v) = v {
            me.memory.set(a.index(), v);
        }
    } else {
        violation(me, &mut craft.counters, a);
    }
    done
}

/// [`Hot::direct`] of processor `cpu` (made for every burst: no loop, no branch but
/// the overlay's).
#[inline(always)]
fn direct_stores(cpu: &Processor, craft: &Spacecraft) -> u8 {
    use crate::machine::Jumper;
    if craft.faults.active {
        return 0;
    }
    let [j0, j1, j2] = cpu.jumpers.0;
    // Block 3 has no jumper: always written.
    let program = (j0 == Jumper::ReadWrite) as u8
        | ((j1 == Jumper::ReadWrite) as u8) << 1
        | ((j2 == Jumper::ReadWrite) as u8) << 2
        | 1 << 3;
    let load = (j0 != Jumper::ReadOnly) as u8
        | ((j1 != Jumper::ReadOnly) as u8) << 1
        | ((j2 != Jumper::ReadOnly) as u8) << 2
        | 1 << 3;
    program | load << 4
}

/// A WAI begun at `wai_start` in the step that started at the processor's time: the
/// processor waits, to resume at `resume_p`.
#[inline(always)]
fn begin_wait(me: &mut Processor, wai_start: u64, resume_p: Addr, trap: bool, before: StepBefore) {
    let armed = (me.regs.pend & !me.regs.mask != 0).then_some(me.time);
    me.state = RunState::Waiting(Wait { step_start: me.time, wai_start, resume_p, trap, armed, not_before: 0, before });
}

/// Suppressed write: PEND[0], ERR[0] and the address into ERR[17:6]. (Apart from
/// [`Exec`], so the burst's registers need not be in memory for the call.)
#[cold]
fn violation(me: &mut Processor, counters: &mut crate::machine::Counters, a: Addr) {
    let r = &mut me.regs;
    r.err = Word::wrapping((r.err.get() & 0o17) | err::PROTECTION | (a.get() << 6));
    r.pend |= 1;
    counters.suppressed_writes[me.id.index()] += 1;
}

/// An XCT of an XCT: PEND[0], ERR[3] and the address into ERR[17:6].
#[cold]
fn illegal_chain(r: &mut crate::machine::Registers, a: Addr) {
    r.err = Word::wrapping((r.err.get() & 0o17) | err::XCT_CHAIN | (a.get() << 6));
    r.pend |= 1;
}

/// The configuration/status word of channel 0o06 as processor `cpu` reads it (spec §9.1).
pub(crate) fn status_word(cpu: &Processor, craft: &Spacecraft) -> Word {
    Word::wrapping(
        cpu.id as u32 | (craft.mode as u32) << 1 | craft.selections.status_bits() | cpu.jumpers.status_bits(),
    )
}

fn fds_target(fla: Bits<14>) -> (usize, usize) {
    ((fla.get() >> 13) as usize, (fla.get() & 0x1FFF) as usize)
}

fn fds_next(fla: Bits<14>) -> Bits<14> {
    Bits::wrapping((fla.get() & 0x2000) | ((fla.get() + 1) & 0x1FFF))
}

fn aacs_target(ala: Bits<13>) -> (usize, usize) {
    ((ala.get() >> 12) as usize, (ala.get() & 0xFFF) as usize)
}

fn aacs_next(ala: Bits<13>) -> Bits<13> {
    Bits::wrapping((ala.get() & 0x1000) | ((ala.get() + 1) & 0xFFF))
}

/// How a step ended, for the scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepEnd {
    /// Nothing the other processor's schedule depends on changed.
    Quiet,
    /// The step changed something another processor's schedule depends on (a request,
    /// a mode change, a pairing deadline), or a fault stopped this processor.
    Disturbed,
    /// The observer stopped the run (before the instruction, or after the step).
    Stop,
}

impl Machine {
    /// Steps of running processor `x` from its boundary (spec §7.4) while it runs before
    /// `end`, nothing changes what the other processor's schedule depends on, and the
    /// observer does not stop the run. A step begun before `end` completes. `ONE`:
    /// exactly one step (a single step of the debugger or the vectors).
    ///
    /// The steps run in bursts ([`Exec::burst`]) that end at the next event or `end`,
    /// whichever is first, so events and interrupts are looked at once per burst, not
    /// once per step: within a burst no event is due, and only a step that changes PEND,
    /// MASK, IE or the run state (which then ends the burst) could make an interrupt
    /// acceptable.
    #[inline(always)]
    pub(crate) fn run_running<O: Observer, const ONE: bool>(&mut self, x: ProcId, end: u64, obs: &mut O) -> StepEnd {
        loop {
            let s = self.cpu[x.index()].time;
            if s >= self.craft.next_due.0 && self.deliver_due(s) {
                // A fault delivered just now may have halted or stalled this processor.
                let cpu = &self.cpu[x.index()];
                if cpu.time != s || cpu.state != RunState::Running {
                    return StepEnd::Disturbed;
                }
            }
            let regs = &self.cpu[x.index()].regs;
            let ready = regs.pend & !regs.mask;
            let accept = regs.ie && ready != 0;
            // A stopping observer looks at the machine after every step: bursts of one.
            let bound = if ONE || O::STOPS { 0 } else { end.min(self.craft.next_due.0) };
            let (me, other) = split(&mut self.cpu, x);
            let mut ex = Exec::new(me, other, &mut self.craft, obs);
            let ended = if accept { ex.accept(ready.trailing_zeros()) } else { ex.burst(bound) };
            ex.write_back();
            let disturbed = ex.disturbed;
            let n = ex.n();
            let me = ex.me;
            match ended {
                BurstEnd::Ended => {}
                BurstEnd::Stop => return StepEnd::Stop,
                BurstEnd::Wait { wai_start, before, trap } => {
                    begin_wait(me, wai_start, n, trap, before);
                    return if disturbed { StepEnd::Disturbed } else { StepEnd::Quiet };
                }
            }
            if O::STOPS && obs.after_step(self, x).is_break() {
                return StepEnd::Stop;
            }
            let cpu = &self.cpu[x.index()];
            if disturbed {
                return StepEnd::Disturbed;
            }
            if ONE || cpu.state != RunState::Running || cpu.time >= end {
                return StepEnd::Quiet;
            }
        }
    }

    /// Whether [`Machine::run_pair`] may run now: both processors running, neither with
    /// an interrupt it would accept, and the first to act before the next event and
    /// `limit` (otherwise the scheduler delivers events or accepts first).
    #[inline(always)]
    pub(crate) fn pair_ready(&self, limit: u64) -> bool {
        let [a, b] = &self.cpu;
        let quiet = |c: &Processor| c.state == RunState::Running && !(c.regs.ie && c.regs.pend & !c.regs.mask != 0);
        quiet(a) && quiet(b) && a.time.min(b.time) < limit.min(self.craft.next_due.0)
    }

    /// Both processors running (see [`Machine::pair_ready`]): their steps in the
    /// scheduler's order (A acts while t_A <= t_B, B while t_B < t_A), handing the turn
    /// over without leaving the loop, until the next to act reaches the next event or
    /// `limit`, or a step ends its burst (a change of PEND, MASK, IE or the run state, a
    /// disturbance, a WAI). The order of steps, and of every observer call, is the one
    /// the scheduler gives step by step; only the cost of a turn changes (the dual
    /// flight load runs both processors in turns of an instruction or two). Not for
    /// stopping observers, which look at the whole machine after every step.
    pub(crate) fn run_pair<O: Observer>(&mut self, limit: u64, obs: &mut O) {
        debug_assert!(!O::STOPS && self.pair_ready(limit));
        let bound = limit.min(self.craft.next_due.0);
        let mut hot = [Hot::of(&self.cpu[0], &self.craft), Hot::of(&self.cpu[1], &self.craft)];
        let mut x = if hot[0].s <= hot[1].s { ProcId::A } else { ProcId::B };
        let wait = loop {
            let i = x.index();
            let other_s = hot[1 - i].s;
            // A acts while t_A <= t_B, B while t_B < t_A.
            let until = bound.min(if x == ProcId::A { other_s.saturating_add(1) } else { other_s });
            let (me, other) = split(&mut self.cpu, x);
            let mut ex = Exec::resume(me, other, &mut self.craft, obs, hot[i]);
            let ended = ex.burst(until);
            hot[i] = ex.suspend();
            if let BurstEnd::Wait { wai_start, before, trap } = ended {
                break Some((x, wai_start, ex.n(), trap, before));
            }
            // `leave` (or `disturb`) cleared the bound: the scheduler looks again.
            if ex.bound == 0 {
                break None;
            }
            let [sa, sb] = [hot[0].s, hot[1].s];
            x = if sa <= sb { ProcId::A } else { ProcId::B };
            if sa.min(sb) >= bound {
                break None;
            }
        };
        for (cpu, h) in self.cpu.iter_mut().zip(hot) {
            h.store(cpu);
        }
        if let Some((x, wai_start, n, trap, before)) = wait {
            begin_wait(&mut self.cpu[x.index()], wai_start, n, trap, before);
        }
    }

    /// Complete the WAI of a waiting processor at time `t` (its wake time). `Stop` when
    /// the observer stops the run after it.
    pub(crate) fn complete_wait<O: Observer>(&mut self, x: ProcId, t: u64, obs: &mut O) -> StepEnd {
        self.deliver_due(t);
        // A fault delivered at `t` may have halted or stalled the processor, or masked
        // what was to wake it: then the WAI does not complete now.
        if self.wake_time(x).is_none_or(|w| w > t) {
            return StepEnd::Disturbed;
        }
        let cpu = &mut self.cpu[x.index()];
        let RunState::Waiting(w) = std::mem::replace(&mut cpu.state, RunState::Running) else {
            return StepEnd::Disturbed;
        };
        cpu.regs.p = w.resume_p;
        if w.trap {
            cpu.regs.cc = Bits::wrapping(cpu.regs.dump.get());
            cpu.regs.ie = true;
        }
        cpu.time = t;
        if O::STEPS {
            obs.step(&StepRecord { proc: x, start: w.step_start, before: w.before, cycles: t - w.step_start });
        }
        if O::STOPS && obs.after_step(self, x).is_break() {
            return StepEnd::Stop;
        }
        StepEnd::Quiet
    }

    /// When a waiting processor wakes, given everything known now: the first time at
    /// or after its WAI start + 22 at which an unmasked level is pending. `None`: no
    /// known event will ever wake it.
    pub fn wake_time(&self, x: ProcId) -> Option<u64> {
        let cpu = &self.cpu[x.index()];
        let RunState::Waiting(w) = &cpu.state else {
            return None;
        };
        let t = w.armed.unwrap_or_else(|| self.first_request(x, !cpu.regs.mask));
        (t != u64::MAX).then(|| t.max(w.wai_start + timing::WAI_MIN as u64).max(w.not_before))
    }

    /// Earliest undelivered event that requests one of `levels` in processor `x`.
    fn first_request(&self, x: ProcId, levels: u32) -> u64 {
        let c = &self.craft;
        let h = c.horizon;
        let mut best = u64::MAX;
        for (level, period) in CLOCKS {
            if levels & (1 << level) != 0 {
                best = best.min(next_tick(h, period));
            }
        }
        if c.mode == Mode::Tandem && levels & 1 != 0 {
            for f in &c.fifos {
                if let Some(head) = f.front() {
                    best = best.min(head.deadline);
                }
            }
        }
        best.min(c.env.first_request(h, best, c.selections, x, levels))
    }

    /// Deliver the events with time <= `t` if any is due by then; returns whether one
    /// was. The horizon moves only with a delivery, not with every call, so the state
    /// after a run does not depend on how the run was cut into calls (nor on the
    /// [`DueCache`](crate::machine::DueCache), which is not state).
    pub(crate) fn deliver_due(&mut self, t: u64) -> bool {
        let next = self.next_event_time();
        if t >= next {
            self.deliver_through(t);
            true
        } else {
            self.craft.next_due.0 = next;
            false
        }
    }

    /// Deliver every event with time <= `t`: clock levels, pairing deadlines,
    /// environment inputs (latches, PEND, ERR) and injected faults, to both processors.
    pub(crate) fn deliver_through(&mut self, t: u64) {
        let from = self.craft.horizon;
        if t >= from {
            let [ca, cb] = &mut self.cpu;
            for (level, period) in CLOCKS {
                let tick = next_tick(from, period);
                if tick <= t {
                    request(ca, level, tick);
                    request(cb, level, tick);
                }
            }
            let craft = &mut self.craft;
            let Spacecraft { fifos, mode, env, latches, selections, fds, aacs, faults, .. } = craft;
            for f in fifos.iter_mut() {
                while let Some(head) = f.front().copied().filter(|h| h.deadline <= t) {
                    f.pop_front();
                    if *mode == Mode::Tandem {
                        for cpu in [&mut *ca, &mut *cb] {
                            cpu.regs.err = Word::wrapping(cpu.regs.err.get() | err::TANDEM);
                            request(cpu, level::ERR, head.deadline);
                        }
                    }
                }
            }
            let rf_model = env.models().rf_monitors;
            let sel = *selections;
            let mut attached = AttachedMemories { fds, aacs };
            env.deliver(from, t, sel, |ev, health| {
                let latch = match ev.input {
                    Input::Uplink(_) if !health.selected_working(Unit::CommandReceiver, sel) => None, // lost in a failed receiver
                    Input::Uplink(_)
                    | Input::AacsPower(_)
                    | Input::RfMonitors(_)
                    | Input::PowerStatus(_)
                    | Input::FdsRequest(_) => ev.input.latch(),
                    Input::Parity(p) => {
                        let cpu = if p == ProcId::A { &mut *ca } else { &mut *cb };
                        cpu.regs.err = Word::wrapping(cpu.regs.err.get() | err::PARITY);
                        request(cpu, level::ERR, ev.time);
                        None
                    }
                    // With the RF model on, a change of a selected RF unit changes the word.
                    Input::Device { .. } => {
                        let word = Word::wrapping(health.rf_word(sel));
                        (rf_model && word != latches.rf_monitors).then_some((channel::RF_MONITORS, word))
                    }
                    Input::Fault(fault) => {
                        apply_fault([&mut *ca, &mut *cb], &mut attached, faults, fault, ev.time);
                        None
                    }
                };
                if let Some((ch, value)) = latch {
                    if let Some(l) = latches.get_mut(ch) {
                        *l = value;
                    }
                    if let Some(level) = channel_info(ch).and_then(|c| c.level()) {
                        request(ca, level, ev.time);
                        request(cb, level, ev.time);
                    }
                }
            });
            self.craft.horizon = t + 1;
        }
        self.craft.next_due.0 = self.next_event_time();
    }

    /// Time of the next undelivered event of any kind.
    fn next_event_time(&self) -> u64 {
        let c = &self.craft;
        let h = c.horizon;
        let clock = next_tick(h, T10_PERIOD);
        let deadline = c.fifos.iter().filter_map(|f| f.front()).map(|u| u.deadline).min().unwrap_or(u64::MAX);
        let env = c.env.next_time(h, c.selections);
        clock.min(deadline).min(env)
    }
}

/// The attached memories, for faults delivered while the rest of the craft is borrowed.
struct AttachedMemories<'a> {
    fds: &'a mut [crate::memory::FdsMemory; 2],
    aacs: &'a mut [crate::memory::AacsMemory; 2],
}

impl AttachedMemories<'_> {
    fn cell(&self, cpus: &[&mut Processor; 2], memory: MemoryId, addr: u32) -> u32 {
        let a = addr as usize;
        match memory {
            MemoryId::Ccs(p) => cpus[p.index()].memory.get(a).get(),
            MemoryId::Fds(u) => self.fds[(u & 1) as usize].get(a).get(),
            MemoryId::Aacs(u) => self.aacs[(u & 1) as usize].get(a).get(),
        }
    }

    fn set(&mut self, cpus: &mut [&mut Processor; 2], memory: MemoryId, addr: u32, v: u32) {
        let a = addr as usize;
        match memory {
            MemoryId::Ccs(p) => cpus[p.index()].memory.set(a, Word::wrapping(v)),
            MemoryId::Fds(u) => self.fds[(u & 1) as usize].set(a, FdsWord::wrapping(v)),
            MemoryId::Aacs(u) => self.aacs[(u & 1) as usize].set(a, Word::wrapping(v)),
        }
    }
}

/// Apply an injected fault at `time`. Out-of-range addresses and bits are ignored
/// (scripts are checked before they get here).
fn apply_fault(
    mut cpus: [&mut Processor; 2],
    mem: &mut AttachedMemories<'_>,
    faults: &mut crate::fault::MemoryFaults,
    fault: Fault,
    time: u64,
) {
    use crate::fault::WordFault;
    match fault {
        Fault::FlipMemoryBit { memory, addr, bit } if addr < memory.words() && (bit as u32) < memory.word_bits() => {
            let old = mem.cell(&cpus, memory, addr);
            let v = faults.filter(memory, addr, old ^ (1 << bit)).unwrap_or(old);
            mem.set(&mut cpus, memory, addr, v);
        }
        Fault::StuckAt { memory, addr, mask, value } if addr < memory.words() => {
            let (mask, value) = (mask & memory.word_mask(), value & memory.word_mask());
            faults.insert(memory, addr, WordFault::Stuck { mask, value });
            let old = mem.cell(&cpus, memory, addr);
            mem.set(&mut cpus, memory, addr, (old & !mask) | (value & mask));
        }
        Fault::DeadRange { memory, start, len, pattern } => {
            let pattern = pattern & memory.word_mask();
            for addr in start..start.saturating_add(len).min(memory.words()) {
                faults.insert(memory, addr, WordFault::Dead { pattern });
                mem.set(&mut cpus, memory, addr, pattern);
            }
        }
        Fault::FlipRegisterBit { proc, reg, bit } if bit < 32 => {
            let cpu = &mut *cpus[proc.index()];
            let v = cpu.regs.get(reg) ^ (1 << bit);
            if cpu.regs.set(reg, v).is_ok()
                && let RunState::Waiting(w) = &mut cpu.state
            {
                if reg == crate::registers::Reg::P {
                    w.resume_p = Addr::wrapping(w.resume_p.get() ^ (1 << bit));
                }
                // PEND or MASK may have changed what can wake the WAI.
                let ready = cpu.regs.pend & !cpu.regs.mask != 0;
                w.armed = if ready { Some(w.armed.unwrap_or(time)) } else { None };
            }
        }
        Fault::Halt { proc } => {
            cpus[proc.index()].state = RunState::Halted { code: Addr::wrapping(crate::fault::FAULT_HALT_CODE) };
        }
        Fault::Stall { proc, cycles } => {
            let cpu = &mut *cpus[proc.index()];
            let until = time.saturating_add(cycles);
            match &mut cpu.state {
                RunState::Running => cpu.time = cpu.time.max(until),
                RunState::Waiting(w) => w.not_before = w.not_before.max(until),
                _ => {}
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::ccr;

    /// The reference: NEG, ODD and NZ of a result (spec §7.3), in CC bit positions.
    fn nzo(r: u32) -> u32 {
        ((r >> 17) << 2) | ((r.count_ones() & 1) << 1) | (r != 0) as u32
    }

    #[test]
    fn every_cc_survives_the_burst_encoding() {
        for v in 0..16 {
            assert_eq!(ccr::decode(ccr::encode(v)), v, "CC {v:04b}");
        }
    }

    #[test]
    fn the_flags_of_every_result_are_those_of_the_spec() {
        for r in 0..1u32 << 18 {
            for ovf in [0, ccr::OVF] {
                let expected = nzo(r) | if ovf != 0 { 8 } else { 0 };
                assert_eq!(ccr::decode(ovf | r), expected, "result 0o{r:o}");
                assert_eq!(ccr::odd(ovf | r), expected & 2 != 0);
                assert_eq!((ovf | r) & ccr::NEG != 0, expected & 4 != 0);
            }
        }
    }
}
