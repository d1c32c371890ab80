//! The collaboration network: the actor register (organisations, services,
//! associations working with families) and the links between actors.

pub(crate) mod actors;
pub(crate) mod links;
