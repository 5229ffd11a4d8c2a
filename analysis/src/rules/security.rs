//! Security rules.

pub(crate) mod docs;

use crate::FileContext;
use crate::finding::Finding;

pub(crate) fn check(_ctx: &FileContext, _out: &mut Vec<Finding>) {}
