//! What the security scan carries from one chunk to the next, so that an unchanged chunk's
//! findings can be reused after an edit elsewhere.
//!
//! A chunk's findings depend on its own text and on little else: the imports seen before it
//! (`sp.run` is `subprocess.run` after `import subprocess as sp`), root-level variables
//! holding a string built at run time (`q = f"..."` then `db.execute(q)` in a later
//! statement), and a couple of whole-file facts (a Java file that mentions
//! `ObjectInputStream`). That state is summed up by a *fingerprint*, a hash chained over every
//! change made to it in document order, with texts but no positions — equal fingerprints mean
//! equal state. Each chunk records the fingerprint it began with, the changes it made
//! ([`Effect`]s, as ranges of its own text) and its findings relative to its start. A chunk
//! whose text is unchanged and that begins with the same fingerprint has the same findings;
//! replaying its effects gives the state the next chunk begins with, without visiting a node.
//!
//! Chunks are the root's children and, for a container (a class), its header and each of its
//! members. A variable is followed only within its own block, so only variables assigned in
//! a block *above* the chunk (the root, a class body) reach later chunks; those assigned
//! inside a chunk (a function body) are not part of the state. Entering and leaving a
//! container's members is part of the chain, so equal fingerprints also mean the same
//! blocks are above.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use tree_sitter::Node;

use super::syntax::Built;
use super::{Assigned, Scan};
use crate::finding::Finding;

/// A range of a chunk's text, relative to its start.
type Rel = (u32, u32);

/// A change a chunk made to the state that crosses chunks.
#[derive(Clone, Debug)]
pub(crate) enum Effect {
    /// An import bound `local` to `module` (and its `member`).
    Import {
        local: Rel,
        module: Rel,
        member: Option<Rel>,
    },
    /// A variable of a block above the chunk (`depth` in [`Scan::ancestors`]) was assigned a
    /// string built at run time.
    Assign {
        name: Rel,
        built: Built,
        value: Rel,
        depth: u8,
    },
    /// A variable of a block above the chunk no longer holds such a string.
    Forget { name: Rel, depth: u8 },
}

/// The security scan's record of one chunk.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChunkScan {
    /// The fingerprint the chunk began with; `None` when its findings cannot be reused (they
    /// reach outside the chunk's lines, or the chunk shares a line with a neighbour).
    state_in: Option<u64>,
    /// The length of the blank rest of the chunk's last line (a fix may remove the line).
    tail: usize,
    effects: Vec<Effect>,
    /// Findings with spans relative to the start of the chunk's first line.
    findings: Vec<Finding>,
}

/// The text a chunk owns: from the start of its first line to the end of its last line
/// (with the line break), when nothing else is on those lines.
#[derive(Clone, Copy, Default)]
struct Owned {
    start: usize,
    end: usize,
    line: u32,
    tail: usize,
}

/// The chunk being scanned, and what it has done so far.
#[derive(Default)]
pub(crate) struct Current {
    owned: Option<Owned>,
    state_in: u64,
    first_finding: usize,
    effects: Vec<Effect>,
    /// False once an effect's text did not lie inside the chunk.
    replayable: bool,
}

/// A whole-file fact a rule reads, folded into the first fingerprint.
pub(crate) fn initial_fingerprint(scan: &Scan) -> u64 {
    let mut hasher = FxHasher::default();
    scan.language.index().hash(&mut hasher);
    if scan.language == crate::Language::Java {
        scan.source.contains("ObjectInputStream").hash(&mut hasher);
        scan.source.contains("XMLDecoder").hash(&mut hasher);
    }
    hasher.finish()
}

impl ChunkScan {
    /// The fingerprint the chunk began with, if its findings may be reused.
    pub fn state_in(&self) -> Option<u64> {
        self.state_in
    }
}

impl<'a> Scan<'a> {
    /// The state that crosses chunks, summed up.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Starts the scan of a chunk; provider keys in `own_text` (the chunk's bytes, but a
    /// container's members) are reported right away.
    pub fn begin_chunk(&mut self, chunk: Node, own_text: std::ops::Range<usize>) {
        self.current = Current {
            owned: self.owned(chunk),
            state_in: self.fingerprint,
            first_finding: self.findings.len(),
            effects: Vec::new(),
            replayable: true,
        };
        self.provider_secrets.clear();
        super::secrets::report_provider_keys(self, own_text.start, own_text.end);
    }

    /// The chunks that follow are the members of a container; `path` holds the ids of the
    /// nodes from the top-level chunk down to the container's body.
    pub fn enter_members(&mut self, path: &[usize]) {
        self.ancestors.truncate(1);
        self.ancestors.extend_from_slice(path);
        self.mix(3, &[]);
    }

    /// The container's members are over.
    pub fn leave_members(&mut self) {
        self.ancestors.truncate(1);
        self.mix(4, &[]);
    }

    /// Is `block` above the current chunk (then at which depth)?
    pub(super) fn carried(&self, block: usize) -> Option<u8> {
        let depth = self.ancestors.iter().position(|id| *id == block)?;
        u8::try_from(depth).ok()
    }

    /// Ends the scan of the chunk begun last, with what a later analysis may reuse.
    pub fn end_chunk(&mut self) -> ChunkScan {
        let current = std::mem::take(&mut self.current);
        let Some(owned) = current.owned.filter(|_| current.replayable) else {
            return ChunkScan::default();
        };
        let findings: Option<Vec<Finding>> = self.findings[current.first_finding..]
            .iter()
            .map(|finding| relative_finding(finding, owned))
            .collect();
        match findings {
            Some(findings) => ChunkScan {
                state_in: Some(current.state_in),
                tail: owned.tail,
                effects: current.effects,
                findings,
            },
            None => ChunkScan::default(),
        }
    }

    /// Takes the findings of an unchanged chunk from its previous scan, if that scan began
    /// with the state the scan has now; then applies the chunk's effects. False if the chunk
    /// must be scanned again.
    pub fn reuse_chunk(&mut self, chunk: Node, previous: &ChunkScan) -> bool {
        if previous.state_in != Some(self.fingerprint) {
            return false;
        }
        let Some(owned) = self.owned(chunk).filter(|o| o.tail == previous.tail) else {
            return false;
        };
        for effect in &previous.effects {
            self.replay(effect, owned.start);
        }
        self.findings.extend(
            previous
                .findings
                .iter()
                .map(|f| placed_finding(f, owned.start, owned.line)),
        );
        true
    }

    /// The text `chunk` owns, if nothing but blanks shares its first and last lines.
    fn owned(&self, chunk: Node) -> Option<Owned> {
        let bytes = self.source.as_bytes();
        let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r');
        let start = chunk.start_byte() - chunk.start_position().column;
        let before = bytes.get(start..chunk.start_byte())?;
        let rest = bytes.get(chunk.end_byte()..)?;
        let tail = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        if !before.iter().all(blank) || !rest[..tail].iter().all(blank) {
            return None;
        }
        Some(Owned {
            start,
            end: (chunk.end_byte() + tail + 1).min(bytes.len()),
            line: chunk.start_position().row as u32,
            tail,
        })
    }

    /// An import was recorded (by [`super::imports::Imports::record`]).
    pub(super) fn imported(&mut self, local: &'a str, module: &'a str, member: Option<&'a str>) {
        self.mix(0, &[local, module, member.unwrap_or("\0")]);
        let effect = (|| {
            Some(Effect::Import {
                local: self.rel(local)?,
                module: self.rel(module)?,
                member: match member {
                    Some(member) => Some(self.rel(member)?),
                    None => None,
                },
            })
        })();
        self.log(effect);
    }

    /// `name`, of the block at `depth` above the chunk, now holds a string built at run time.
    pub(super) fn assign_carried(
        &mut self,
        name: &'a str,
        built: Built,
        value: (usize, usize),
        depth: u8,
    ) {
        let value_text = self.slice(value.0, value.1);
        self.mix(1, &[name, built.describe(), value_text, depth_text(depth)]);
        let effect = (|| {
            Some(Effect::Assign {
                name: self.rel(name)?,
                built,
                value: self.rel(value_text)?,
                depth,
            })
        })();
        self.log(effect);
    }

    /// `name`, of the block at `depth` above the chunk, no longer holds such a string.
    pub(super) fn forget_carried(&mut self, name: &'a str, depth: u8) {
        self.mix(2, &[name, depth_text(depth)]);
        let effect = self.rel(name).map(|name| Effect::Forget { name, depth });
        self.log(effect);
    }

    fn replay(&mut self, effect: &Effect, start: usize) {
        let text = |(from, to): Rel| {
            self.source
                .get(start + from as usize..start + to as usize)
                .unwrap_or_default()
        };
        match *effect {
            Effect::Import {
                local,
                module,
                member,
            } => {
                let (local, module, member) = (text(local), text(module), member.map(text));
                self.imports.bind(local, module, member);
                self.mix(0, &[local, module, member.unwrap_or("\0")]);
            }
            Effect::Assign {
                name,
                built,
                value,
                depth,
            } => {
                let (name, value_text) = (text(name), text(value));
                let at = start + value.0 as usize;
                if let Some(&block) = self.ancestors.get(usize::from(depth)) {
                    self.assigned.insert(
                        name,
                        Assigned {
                            block,
                            built,
                            value: (at, at + value_text.len()),
                        },
                    );
                }
                self.mix(1, &[name, built.describe(), value_text, depth_text(depth)]);
            }
            Effect::Forget { name, depth } => {
                let name = text(name);
                self.assigned.remove(name);
                self.mix(2, &[name, depth_text(depth)]);
            }
        }
    }

    fn mix(&mut self, tag: u8, parts: &[&str]) {
        let mut hasher = FxHasher::default();
        self.fingerprint.hash(&mut hasher);
        tag.hash(&mut hasher);
        parts.hash(&mut hasher);
        self.fingerprint = hasher.finish();
    }

    fn log(&mut self, effect: Option<Effect>) {
        match effect {
            Some(effect) => self.current.effects.push(effect),
            None => self.current.replayable = false,
        }
    }

    /// Where a slice of the source lies in the current chunk (an empty slice anywhere).
    fn rel(&self, text: &str) -> Option<Rel> {
        if text.is_empty() {
            return Some((0, 0));
        }
        let owned = self.current.owned?;
        let offset = (text.as_ptr() as usize).checked_sub(self.source.as_ptr() as usize)?;
        let (start, end) = (offset, offset + text.len());
        if start < owned.start || end > owned.end {
            return None;
        }
        Some(((start - owned.start) as u32, (end - owned.start) as u32))
    }
}

/// A finding relative to the start of the text its chunk owns; `None` if it reaches out.
/// A depth as text for the fingerprint (every part of an event is hashed as text).
fn depth_text(depth: u8) -> &'static str {
    const DEPTHS: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];
    DEPTHS.get(usize::from(depth)).copied().unwrap_or("deep")
}

fn relative_finding(finding: &Finding, owned: Owned) -> Option<Finding> {
    let relative = |span: crate::Span| {
        (span.start_byte >= owned.start && span.end_byte <= owned.end)
            .then(|| span.relative_to(owned.start, owned.line))
            .flatten()
    };
    let mut moved = finding.clone();
    moved.span = relative(finding.span)?;
    if let Some(fix) = &mut moved.fix {
        for edit in &mut fix.edits {
            edit.span = relative(edit.span)?;
        }
    }
    Some(moved)
}

fn placed_finding(finding: &Finding, start: usize, line: u32) -> Finding {
    let mut placed = finding.clone();
    placed.span = finding.span.placed_at(start, line);
    if let Some(fix) = &mut placed.fix {
        for edit in &mut fix.edits {
            edit.span = edit.span.placed_at(start, line);
        }
    }
    placed
}
