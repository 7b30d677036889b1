//! Every HPA in the autoscaling/v2 shape. The API server stores HPAs in one
//! internal form and converts autoscaling/v1, v2beta1 and v2beta2 into it;
//! the rules do the same here, so that one check covers every version, and
//! keep a map from each converted field back to where the user wrote it.

use crate::pointer::{Member, Pointer};
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// An HPA converted to autoscaling/v2 (`json` holds the whole document;
/// an autoscaling/v2 document is borrowed as it is, not copied).
pub(crate) struct HpaV2<'a> {
    pub json: Cow<'a, Value>,
    /// (v2 pointer prefix, pointer as written), longest prefixes first.
    renames: Cow<'a, [(String, String)]>,
}

/// What a conversion made of a document, kept so that the rules of one
/// document convert it once (see `DocumentContext::hpa`): the copy, when
/// the document needed converting, and the renames.
pub(crate) struct Converted {
    json: Option<Value>,
    renames: Vec<(String, String)>,
}

impl<'a> HpaV2<'a> {
    /// Converts a document of any HPA version (by its `apiVersion`).
    pub fn from_document(doc: &'a Value) -> HpaV2<'a> {
        let version = doc
            .member("apiVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.rsplit_once('/'))
            .map_or("", |(_, v)| v);
        let mut hpa = HpaV2 {
            json: Cow::Borrowed(doc),
            renames: Cow::Owned(Vec::new()),
        };
        match version {
            "v1" => hpa.convert_v1(doc),
            "v2beta1" => hpa.convert_v2beta1(doc),
            _ => {}
        }
        hpa.renames
            .to_mut()
            .sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        hpa
    }

    /// The conversion, to keep (see [`Converted`]).
    pub fn into_converted(self) -> Converted {
        Converted {
            json: match self.json {
                Cow::Owned(v) => Some(v),
                Cow::Borrowed(_) => None,
            },
            renames: self.renames.into_owned(),
        }
    }

    /// The view of `doc` that `converted` was made from.
    pub fn view(converted: &'a Converted, doc: &'a Value) -> HpaV2<'a> {
        HpaV2 {
            json: Cow::Borrowed(converted.json.as_ref().unwrap_or(doc)),
            renames: Cow::Borrowed(&converted.renames),
        }
    }

    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.json.at(pointer)
    }

    /// The metrics, in order (empty when unset).
    pub fn metrics(&self) -> &[Value] {
        self.get("/spec/metrics")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// Where the user wrote the field that a v2 pointer names.
    pub fn source_pointer(&self, v2: &str) -> String {
        for (from, to) in self.renames.iter() {
            if v2 == from {
                return to.clone();
            }
            if let Some(rest) = v2.strip_prefix(from.as_str())
                && rest.starts_with('/')
            {
                return to.clone();
            }
        }
        v2.to_owned()
    }

    fn rename(&mut self, v2: String, source: String) {
        self.renames.to_mut().push((v2, source));
    }

    /// autoscaling/v1: `targetCPUUtilizationPercentage` is a CPU
    /// utilization metric; without it the v2 metrics list is empty (and
    /// defaulted to 80% CPU, like v2).
    fn convert_v1(&mut self, doc: &Value) {
        let Some(spec) = self
            .json
            .to_mut()
            .get_mut("spec")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if let Some(t) = spec.remove("targetCPUUtilizationPercentage") {
            spec.insert(
                "metrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": t}}}]),
            );
            self.rename(
                "/spec/metrics/0".into(),
                "/spec/targetCPUUtilizationPercentage".into(),
            );
        }
        let _ = doc;
    }

    /// autoscaling/v2beta1: flat `target*` fields become `target` blocks,
    /// `metricName` becomes `metric.name`, an Object's `target` reference
    /// becomes `describedObject` (the conversions of
    /// `pkg/apis/autoscaling/v2beta1/conversion.go`).
    fn convert_v2beta1(&mut self, doc: &Value) {
        let Some(metrics) = doc.at("/spec/metrics").and_then(Value::as_array) else {
            return;
        };
        let mut converted = Vec::new();
        for (i, m) in metrics.iter().enumerate() {
            let base = format!("/spec/metrics/{i}");
            let mut out = Map::new();
            if let Some(t) = m.member("type") {
                out.insert("type".into(), t.clone());
            }
            for block in ["resource", "containerResource"] {
                let Some(src) = m.member(block) else { continue };
                let util = src.member("targetAverageUtilization");
                let avg = src.member("targetAverageValue");
                let mut target = Map::new();
                let kind = if util.is_some() {
                    "Utilization"
                } else {
                    "AverageValue"
                };
                target.insert("type".into(), kind.into());
                if let Some(u) = util {
                    target.insert("averageUtilization".into(), u.clone());
                    self.rename(
                        format!("{base}/{block}/target/averageUtilization"),
                        format!("{base}/{block}/targetAverageUtilization"),
                    );
                }
                if let Some(a) = avg {
                    target.insert("averageValue".into(), a.clone());
                    self.rename(
                        format!("{base}/{block}/target/averageValue"),
                        format!("{base}/{block}/targetAverageValue"),
                    );
                }
                self.rename(format!("{base}/{block}/target"), format!("{base}/{block}"));
                let mut b = Map::new();
                for k in ["name", "container"] {
                    if let Some(v) = src.member(k) {
                        b.insert(k.into(), v.clone());
                    }
                }
                b.insert("target".into(), Value::Object(target));
                out.insert(block.into(), Value::Object(b));
            }
            if let Some(src) = m.member("pods") {
                let mut target = Map::new();
                target.insert("type".into(), "AverageValue".into());
                if let Some(a) = src.member("targetAverageValue") {
                    target.insert("averageValue".into(), a.clone());
                }
                self.rename(
                    format!("{base}/pods/target/averageValue"),
                    format!("{base}/pods/targetAverageValue"),
                );
                self.rename(format!("{base}/pods/target"), format!("{base}/pods"));
                self.rename(
                    format!("{base}/pods/metric/name"),
                    format!("{base}/pods/metricName"),
                );
                self.rename(format!("{base}/pods/metric"), format!("{base}/pods"));
                out.insert(
                    "pods".into(),
                    json!({"metric": metric_id(src.member("metricName"), src.member("selector")),
                           "target": Value::Object(target)}),
                );
            }
            if let Some(src) = m.member("object") {
                let avg = src.member("averageValue");
                let mut target = Map::new();
                target.insert(
                    "type".into(),
                    if avg.is_some() {
                        "AverageValue"
                    } else {
                        "Value"
                    }
                    .into(),
                );
                if let Some(v) = src.member("targetValue") {
                    target.insert("value".into(), v.clone());
                }
                if let Some(a) = avg {
                    target.insert("averageValue".into(), a.clone());
                }
                self.rename(
                    format!("{base}/object/target/value"),
                    format!("{base}/object/targetValue"),
                );
                self.rename(
                    format!("{base}/object/target/averageValue"),
                    format!("{base}/object/averageValue"),
                );
                self.rename(format!("{base}/object/target"), format!("{base}/object"));
                self.rename(
                    format!("{base}/object/describedObject"),
                    format!("{base}/object/target"),
                );
                self.rename(
                    format!("{base}/object/metric/name"),
                    format!("{base}/object/metricName"),
                );
                self.rename(format!("{base}/object/metric"), format!("{base}/object"));
                out.insert(
                    "object".into(),
                    json!({"describedObject": src.member("target").cloned().unwrap_or(Value::Null),
                           "metric": metric_id(src.member("metricName"), src.member("selector")),
                           "target": Value::Object(target)}),
                );
            }
            if let Some(src) = m.member("external") {
                let value = src.member("targetValue");
                let mut target = Map::new();
                target.insert(
                    "type".into(),
                    if value.is_some() {
                        "Value"
                    } else {
                        "AverageValue"
                    }
                    .into(),
                );
                if let Some(v) = value {
                    target.insert("value".into(), v.clone());
                }
                if let Some(a) = src.member("targetAverageValue") {
                    target.insert("averageValue".into(), a.clone());
                }
                self.rename(
                    format!("{base}/external/target/value"),
                    format!("{base}/external/targetValue"),
                );
                self.rename(
                    format!("{base}/external/target/averageValue"),
                    format!("{base}/external/targetAverageValue"),
                );
                self.rename(
                    format!("{base}/external/target"),
                    format!("{base}/external"),
                );
                self.rename(
                    format!("{base}/external/metric/name"),
                    format!("{base}/external/metricName"),
                );
                self.rename(
                    format!("{base}/external/metric/selector"),
                    format!("{base}/external/metricSelector"),
                );
                self.rename(
                    format!("{base}/external/metric"),
                    format!("{base}/external"),
                );
                out.insert(
                    "external".into(),
                    json!({"metric": metric_id(src.member("metricName"), src.member("metricSelector")),
                           "target": Value::Object(target)}),
                );
            }
            converted.push(Value::Object(out));
        }
        if let Some(spec) = self
            .json
            .to_mut()
            .get_mut("spec")
            .and_then(Value::as_object_mut)
        {
            spec.insert("metrics".into(), Value::Array(converted));
        }
    }
}

fn metric_id(name: Option<&Value>, selector: Option<&Value>) -> Value {
    let mut m = Map::new();
    m.insert(
        "name".into(),
        name.cloned().unwrap_or(Value::String(String::new())),
    );
    if let Some(s) = selector {
        m.insert("selector".into(), s.clone());
    }
    Value::Object(m)
}

/// The metric name of a v2 metric (Pods, Object or External), and the
/// pointer suffix of its source block.
pub(crate) fn metric_name(m: &Value) -> Option<(&'static str, &str)> {
    for block in ["object", "external", "pods"] {
        if let Some(n) = m
            .member(block)
            .and_then(|b| b.at("/metric/name"))
            .and_then(Value::as_str)
        {
            return Some((block, n));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2beta1_external_value_converts_and_maps_back() {
        let doc = json!({"apiVersion": "autoscaling/v2beta1", "spec": {"metrics": [
            {"type": "External", "external": {"metricName": "lag", "targetValue": "5"}}]}});
        let h = HpaV2::from_document(&doc);
        assert_eq!(
            h.get("/spec/metrics/0/external/target/type"),
            Some(&json!("Value"))
        );
        assert_eq!(
            h.get("/spec/metrics/0/external/metric/name"),
            Some(&json!("lag"))
        );
        assert_eq!(
            h.source_pointer("/spec/metrics/0/external/target/value"),
            "/spec/metrics/0/external/targetValue"
        );
        assert_eq!(
            h.source_pointer("/spec/metrics/0/external/target/type"),
            "/spec/metrics/0/external"
        );
        assert_eq!(h.source_pointer("/spec/maxReplicas"), "/spec/maxReplicas");
    }

    #[test]
    fn v1_cpu_target_becomes_a_metric() {
        let doc = json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 3,
            "targetCPUUtilizationPercentage": 50}});
        let h = HpaV2::from_document(&doc);
        assert_eq!(
            h.get("/spec/metrics/0/resource/target/averageUtilization"),
            Some(&json!(50))
        );
        assert_eq!(
            h.source_pointer("/spec/metrics/0/resource/target/averageUtilization"),
            "/spec/targetCPUUtilizationPercentage"
        );
    }
}
