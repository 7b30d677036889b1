//! scaleplan-hpa
