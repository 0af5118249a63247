//! The converter checked against swagger2openapi 7.0.8 on Portainer's four
//! Swagger 2.0 files.
//!
//! swagger2openapi is the converter Portainer itself uses for its OpenAPI 3
//! files, so agreeing with it on these inputs is the best available evidence
//! that ours reads Swagger 2.0 the way the ecosystem does. It is pinned in
//! `tests/oracle/package-lock.json`; install it with `npm ci --prefix tests/oracle`.
//!
//! Both outputs are compared structurally, operation by operation and schema by
//! schema. The differences that are known and harmless are normalized away
//! before comparing, each counted and listed in [`Known`] with the reason; any
//! other difference fails the test with the JSON pointer where it occurs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Map, Value};

const FILES: [&str; 4] = [
    "portainer-ce-2.14.2.swagger.yaml",
    "portainer-ee-2.19.4.swagger.yaml",
    "portainer-ee-2.27.1.swagger.yaml",
    "portainer-ee-2.31.2.swagger.yaml",
];

const ORACLE_VERSION: &str = "7.0.8";
const INSTALL: &str = "npm ci --prefix tests/oracle";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The known differences, normalized before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Known {
    /// swagger2openapi moves request bodies that several operations share into
    /// `components/requestBodies` under invented names; we keep them inline
    /// (a generated client gains nothing from the indirection). The oracle's
    /// references are resolved before comparing.
    HoistedRequestBody,
    /// swagger2openapi's own bookkeeping (`x-s2o-overloaded`, `x-s2o-warning`).
    S2oExtension,
    /// A response schema with no `produces` anywhere: swagger2openapi writes
    /// `*/*`, we write `application/json`, which is what Portainer sends and
    /// what lets a generated client decode the body.
    DefaultProduces,
    /// A media type with stray whitespace (`" application/yaml"` in EE 2.31.2):
    /// we trim it, swagger2openapi keeps it, which is not a valid media type.
    TrimmedMediaType,
    /// A `$ref` with siblings (swag writes `description` next to a property's
    /// `$ref`): swagger2openapi deletes the siblings, we keep them. OpenAPI 3.0
    /// ignores them either way and the openapiv3 crate drops them on reading,
    /// but they are documentation. Our siblings are removed before comparing.
    RefSiblings,
    /// A form whose first field is optional but a later one required:
    /// swagger2openapi only takes the request body's `required` from the first
    /// field (the later ones only extend the schema), we mark the body required
    /// when any field is. The oracle's flag is corrected before comparing.
    FormRequired,
    /// An operation with several body parameters, or body and formData ones
    /// (CE 2.14.2's StackCreate, CustomTemplateCreate, EdgeJobCreate,
    /// EdgeStackCreate): an INTENTIONAL difference. swagger2openapi keeps one
    /// and drops the others with a warning; we keep every variant, the body
    /// ones as a `oneOf` under the JSON media types and the form fields under
    /// `multipart/form-data`. The test asserts our shape and that whatever the
    /// oracle kept is among our variants.
    MultipleBodies,
}

#[derive(Default)]
struct Report {
    operations: usize,
    parameters: usize,
    request_bodies: usize,
    responses: usize,
    schemas: usize,
    known: BTreeMap<Known, usize>,
    diffs: Vec<String>,
}

impl Report {
    fn note(&mut self, k: Known) {
        *self.known.entry(k).or_default() += 1;
    }

    fn diff(&mut self, at: &str, what: String) {
        self.diffs.push(format!("{at}: {what}"));
    }
}

fn spec_dir() -> PathBuf {
    match std::env::var_os("PORTAINER_SPEC_DIR") {
        Some(d) => PathBuf::from(d),
        None => xtask::workspace_root().join("../shared/portainer-spec"),
    }
}

fn oracle_dir() -> PathBuf {
    xtask::workspace_root().join("tests/oracle")
}

/// Fails, never skips: a missing oracle must not look like a passing check.
fn oracle_script() -> PathBuf {
    let script = oracle_dir().join("node_modules/swagger2openapi/swagger2openapi.js");
    assert!(
        script.is_file(),
        "swagger2openapi is not installed ({} is missing).\nInstall the pinned oracle with:\n    {INSTALL}\n(from the workspace root; needs node and npm)",
        script.display()
    );
    let manifest = oracle_dir().join("node_modules/swagger2openapi/package.json");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(
        manifest["version"], ORACLE_VERSION,
        "installed swagger2openapi is not the pinned {ORACLE_VERSION}; reinstall with `{INSTALL}`"
    );
    script
}

fn spec_path(file: &str) -> PathBuf {
    let path = spec_dir().join(file);
    assert!(
        path.is_file(),
        "{} is missing: set PORTAINER_SPEC_DIR to the directory holding the pinned Portainer specs",
        path.display()
    );
    path
}

fn read_spec(file: &str) -> Value {
    let text = std::fs::read_to_string(spec_path(file)).unwrap();
    xtask::source::parse_document(&text).unwrap()
}

/// Starts swagger2openapi on `file`; [`Oracle::output`] waits for it, so our
/// own conversion runs meanwhile.
///
/// `-w` (warn only) is needed because swagger2openapi refuses CE 2.14.2
/// outright ("Operation StackCreate has multiple requestBodies") otherwise.
struct Oracle {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    out: PathBuf,
    file: String,
}

impl Oracle {
    fn start(file: &str) -> Oracle {
        let script = oracle_script();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.json");
        let child = Command::new("node")
            .arg(&script)
            .arg("-w")
            .arg("-o")
            .arg(&out)
            .arg(spec_path(file))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("running node (is it installed?)");
        Oracle {
            child,
            _dir: dir,
            out,
            file: file.to_owned(),
        }
    }

    fn output(self) -> Value {
        let output = self.child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "swagger2openapi failed on {}:\n{}",
            self.file,
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_str(&std::fs::read_to_string(&self.out).unwrap()).unwrap()
    }
}

fn check_file(file: &str) {
    let oracle = Oracle::start(file);
    let source = read_spec(file);
    let ours = xtask::convert::swagger2_to_openapi3(&source).unwrap();

    let unresolved = unresolved_refs(&ours);
    assert!(
        unresolved.is_empty(),
        "{file}: $refs that do not resolve in our output:\n{}",
        unresolved.join("\n")
    );
    if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(ours.clone()) {
        panic!("{file}: our output is not an OpenAPI 3.0 document the openapiv3 crate reads: {e}");
    }

    let report = compare(&source, &ours, oracle.output());
    println!(
        "{file}: {} operations, {} parameters, {} request bodies, {} responses, {} component schemas compared",
        report.operations,
        report.parameters,
        report.request_bodies,
        report.responses,
        report.schemas
    );
    for (k, n) in &report.known {
        println!("    normalized {k:?}: {n}");
    }
    assert!(
        report.diffs.is_empty(),
        "{file}: {} unexplained differences from swagger2openapi {ORACLE_VERSION} (first 40):\n{}",
        report.diffs.len(),
        report
            .diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn ce_2_14_2_matches_swagger2openapi() {
    check_file(FILES[0]);
}

#[test]
fn ee_2_19_4_matches_swagger2openapi() {
    check_file(FILES[1]);
}

#[test]
fn ee_2_27_1_matches_swagger2openapi() {
    check_file(FILES[2]);
}

#[test]
fn ee_2_31_2_matches_swagger2openapi() {
    check_file(FILES[3]);
}

/// The committed lock file is what CI installs, so it must pin the oracle too.
#[test]
fn lock_file_pins_the_oracle() {
    let lock: Value = serde_json::from_str(
        &std::fs::read_to_string(oracle_dir().join("package-lock.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        lock["packages"]["node_modules/swagger2openapi"]["version"],
        ORACLE_VERSION
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(oracle_dir().join("package.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["devDependencies"]["swagger2openapi"], ORACLE_VERSION,
        "package.json must pin exactly"
    );
}

// ---- comparison ---------------------------------------------------------------

fn compare(source: &Value, ours: &Value, mut theirs: Value) -> Report {
    let mut r = Report::default();
    strip_s2o(&mut theirs, &mut r);
    let mut ours = ours.clone();
    strip_ref_siblings(&mut ours, &mut r);
    let ours = &ours;

    for key in ["info", "servers", "tags", "security"] {
        diff_values(&format!("/{key}"), &ours[key], &theirs[key], &mut r);
    }
    diff_values(
        "/components/securitySchemes",
        &ours["components"]["securitySchemes"],
        &theirs["components"]["securitySchemes"],
        &mut r,
    );

    let our_ops = operations(ours);
    let their_ops = operations(&theirs);
    let our_keys: BTreeSet<_> = our_ops.keys().collect();
    let their_keys: BTreeSet<_> = their_ops.keys().collect();
    for missing in their_keys.difference(&our_keys) {
        r.diff(
            "/paths",
            format!("operation {missing:?} only in swagger2openapi's output"),
        );
    }
    for extra in our_keys.difference(&their_keys) {
        r.diff("/paths", format!("operation {extra:?} only in ours"));
    }
    for (key, ours_op) in &our_ops {
        let Some(theirs_op) = their_ops.get(key) else {
            continue;
        };
        r.operations += 1;
        compare_operation(source, ours, &theirs, key, ours_op, theirs_op, &mut r);
    }

    let empty = Map::new();
    let our_schemas = ours["components"]["schemas"].as_object().unwrap_or(&empty);
    let their_schemas = theirs["components"]["schemas"]
        .as_object()
        .unwrap_or(&empty);
    let names = |m: &Map<String, Value>| m.keys().cloned().collect::<BTreeSet<_>>();
    if names(our_schemas) != names(their_schemas) {
        r.diff(
            "/components/schemas",
            format!(
                "names differ: only ours {:?}, only theirs {:?}",
                names(our_schemas)
                    .difference(&names(their_schemas))
                    .collect::<Vec<_>>(),
                names(their_schemas)
                    .difference(&names(our_schemas))
                    .collect::<Vec<_>>()
            ),
        );
    }
    for (name, schema) in our_schemas {
        if let Some(t) = their_schemas.get(name) {
            r.schemas += 1;
            diff_values(&format!("/components/schemas/{name}"), schema, t, &mut r);
        }
    }
    r
}

/// (method, path) -> (path item, operation)
fn operations(doc: &Value) -> BTreeMap<(String, String), (Value, Value)> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.insert((m.to_owned(), path.clone()), (item.clone(), op.clone()));
            }
        }
    }
    out
}

fn compare_operation(
    source: &Value,
    ours: &Value,
    theirs: &Value,
    (method, path): &(String, String),
    (our_item, our_op): &(Value, Value),
    (their_item, their_op): &(Value, Value),
    r: &mut Report,
) {
    let at = format!("{method} {path}");
    for key in [
        "operationId",
        "tags",
        "summary",
        "description",
        "deprecated",
        "security",
    ] {
        diff_values(&format!("{at} {key}"), &our_op[key], &their_op[key], r);
    }

    // Parameters, path-level and operation-level, with references followed.
    for (level, o, t) in [
        ("path-level", our_item, their_item),
        ("operation", our_op, their_op),
    ] {
        let o = resolved_params(ours, &o["parameters"]);
        let t = resolved_params(theirs, &t["parameters"]);
        let keys = |ps: &[Value]| {
            ps.iter()
                .map(|p| (p["in"].clone(), p["name"].clone()))
                .collect::<Vec<_>>()
        };
        if keys(&o) != keys(&t) {
            r.diff(
                &at,
                format!(
                    "{level} parameters differ: ours {:?}, theirs {:?}",
                    keys(&o),
                    keys(&t)
                ),
            );
            continue;
        }
        for (p, q) in o.iter().zip(&t) {
            r.parameters += 1;
            let name = p["name"].as_str().unwrap_or("?");
            diff_values(&format!("{at} parameter {name}"), p, q, r);
        }
    }

    // Request bodies.
    let source_op = &source["paths"][path][method];
    let (bodies, fields) = body_params(source, source_op);
    let mut their_body = match their_op.get("requestBody") {
        Some(b) if b.get("$ref").is_some() => {
            r.note(Known::HoistedRequestBody);
            resolve(theirs, b["$ref"].as_str().unwrap())
                .cloned()
                .unwrap_or(Value::Null)
        }
        Some(b) => b.clone(),
        None => Value::Null,
    };
    let our_body = our_op.get("requestBody").cloned().unwrap_or(Value::Null);
    if fields.iter().any(|f| f["required"] == true)
        && their_body.get("required").is_none()
        && our_body["required"] == true
    {
        r.note(Known::FormRequired);
        their_body["required"] = Value::Bool(true);
    }
    if !our_body.is_null() || !their_body.is_null() {
        r.request_bodies += 1;
    }
    if bodies.len() > 1 || (!bodies.is_empty() && !fields.is_empty()) {
        r.note(Known::MultipleBodies);
        check_multiple_bodies(&at, &bodies, !fields.is_empty(), &our_body, &their_body, r);
    } else {
        diff_values(&format!("{at} requestBody"), &our_body, &their_body, r);
    }

    // Responses.
    let empty = Map::new();
    let o = our_op["responses"].as_object().unwrap_or(&empty);
    let t = their_op["responses"].as_object().unwrap_or(&empty);
    if o.keys().collect::<Vec<_>>() != t.keys().collect::<Vec<_>>() {
        r.diff(
            &at,
            format!(
                "status codes differ: ours {:?}, theirs {:?}",
                o.keys(),
                t.keys()
            ),
        );
    }
    let no_produces = source_op.get("produces").is_none() && source.get("produces").is_none();
    for (code, our_resp) in o {
        let Some(their_resp) = t.get(code) else {
            continue;
        };
        r.responses += 1;
        let mut their_resp = their_resp.clone();
        if let Some(content) = their_resp.get_mut("content").and_then(Value::as_object_mut) {
            normalize_media_types(content, no_produces, r);
        }
        diff_values(&format!("{at} response {code}"), our_resp, &their_resp, r);
    }
}

fn normalize_media_types(content: &mut Map<String, Value>, no_produces: bool, r: &mut Report) {
    let entries: Vec<(String, Value)> = std::mem::take(content).into_iter().collect();
    for (t, v) in entries {
        let key = if t == "*/*" && no_produces {
            r.note(Known::DefaultProduces);
            "application/json".to_owned()
        } else if t.trim() != t {
            r.note(Known::TrimmedMediaType);
            t.trim().to_owned()
        } else {
            t
        };
        content.insert(key, v);
    }
}

/// Our shape for an operation with several body variants, independently of
/// the oracle, then that the oracle's one survivor is among them.
fn check_multiple_bodies(
    at: &str,
    bodies: &[Value],
    has_form: bool,
    ours: &Value,
    theirs: &Value,
    r: &mut Report,
) {
    let content = ours["content"].as_object().cloned().unwrap_or_default();
    let expected: Vec<Value> = bodies.iter().map(|b| moved_refs(&b["schema"])).collect();
    let variants = |schema: &Value| -> Vec<Value> {
        match schema.get("oneOf").and_then(Value::as_array) {
            Some(list) => list.clone(),
            None => vec![schema.clone()],
        }
    };
    for (media_type, media) in &content {
        if media_type == "multipart/form-data" && has_form {
            let props = media["schema"]["properties"]
                .as_object()
                .map(|p| p.len())
                .unwrap_or(0);
            if media["schema"]["type"] != "object" || props == 0 {
                r.diff(
                    at,
                    format!("form body under {media_type} should be an object with the fields"),
                );
            }
        } else if variants(&media["schema"]) != expected {
            r.diff(
                at,
                format!(
                    "{media_type} should offer all {} body variants in order",
                    expected.len()
                ),
            );
        }
    }
    let json_types = content
        .keys()
        .filter(|t| *t != "multipart/form-data")
        .count();
    if json_types == 0 {
        r.diff(at, "the body variants are missing".into());
    }
    if has_form && !content.contains_key("multipart/form-data") {
        r.diff(at, "the form variant is missing".into());
    }
    for (media_type, media) in theirs["content"].as_object().into_iter().flatten() {
        match content.get(media_type) {
            None => r.diff(
                at,
                format!("swagger2openapi kept {media_type}, which we dropped"),
            ),
            Some(our_media) if our_media == media => {}
            Some(our_media) if variants(&our_media["schema"]).contains(&media["schema"]) => {}
            Some(_) => r.diff(
                at,
                format!("swagger2openapi's {media_type} schema is not among our variants"),
            ),
        }
    }
}

/// The `in: body` parameters and `in: formData` ones of a source operation.
fn body_params(source: &Value, op: &Value) -> (Vec<Value>, Vec<Value>) {
    let mut bodies = Vec::new();
    let mut fields = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(reference) => resolve(source, reference).cloned().unwrap_or(Value::Null),
            None => p.clone(),
        };
        match p["in"].as_str() {
            Some("body") => bodies.push(p),
            Some("formData") => fields.push(p),
            _ => {}
        }
    }
    (bodies, fields)
}

/// A source schema with its references moved to components, as both
/// converters do.
fn moved_refs(schema: &Value) -> Value {
    let text = serde_json::to_string(schema)
        .unwrap()
        .replace("#/definitions/", "#/components/schemas/");
    serde_json::from_str(&text).unwrap()
}

fn resolved_params(doc: &Value, params: &Value) -> Vec<Value> {
    params
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(reference) => resolve(doc, reference).cloned().unwrap_or(Value::Null),
            None => p.clone(),
        })
        .collect()
}

fn strip_s2o(v: &mut Value, r: &mut Report) {
    match v {
        Value::Object(m) => {
            let before = m.len();
            m.retain(|k, _| !k.starts_with("x-s2o-"));
            for _ in m.len()..before {
                r.note(Known::S2oExtension);
            }
            m.values_mut().for_each(|v| strip_s2o(v, r));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| strip_s2o(v, r)),
        _ => {}
    }
}

fn strip_ref_siblings(v: &mut Value, r: &mut Report) {
    match v {
        Value::Object(m) => {
            if m.get("$ref").is_some_and(Value::is_string) && m.len() > 1 {
                r.note(Known::RefSiblings);
                m.retain(|k, _| k == "$ref");
            }
            m.values_mut().for_each(|v| strip_ref_siblings(v, r));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| strip_ref_siblings(v, r)),
        _ => {}
    }
}

/// Semantic equality, reporting where values differ: numbers by value (YAML
/// `1.0` is a float to us and an integer to JavaScript), objects regardless of
/// key order.
fn diff_values(at: &str, ours: &Value, theirs: &Value, r: &mut Report) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => diff_values(&format!("{at}/{k}"), v, w, r),
                    None => r.diff(at, format!("{k:?} only in ours: {}", short(v))),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) {
                    r.diff(at, format!("{k:?} only in swagger2openapi's: {}", short(w)));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                diff_values(&format!("{at}/{i}"), v, w, r);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => r.diff(
            at,
            format!("ours {} vs swagger2openapi's {}", short(a), short(b)),
        ),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s,
    }
}

// ---- references ----------------------------------------------------------------

/// Follows a local `$ref` the way a resolver does: percent-decoding, then
/// JSON-pointer unescaping.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    let decoded = percent_decode(pointer);
    doc.pointer(&decoded)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(x) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(x);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn unresolved_refs(doc: &Value) -> Vec<String> {
    fn walk(doc: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(reference)) = m.get("$ref")
                    && resolve(doc, reference).is_none()
                {
                    out.push(format!("{at}: {reference}"));
                }
                for (k, v) in m {
                    walk(
                        doc,
                        v,
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(doc, v, &format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, doc, "", &mut out);
    out
}

#[test]
fn unresolved_refs_are_found() {
    let doc = serde_json::json!({
        "components": { "schemas": { "a.b": {}, "c/d": {} } },
        "x": { "$ref": "#/components/schemas/a.b" },
        "y": [{ "$ref": "#/components/schemas/c~1d" }, { "$ref": "#/components/schemas/nope" }],
    });
    assert_eq!(
        unresolved_refs(&doc),
        vec!["/y/1: #/components/schemas/nope".to_owned()]
    );
}
