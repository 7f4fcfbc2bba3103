//! Export and Import: a round trip in each format gives the same file; the preview lists
//! every line (added, already there, refused with its line and reason) and keeps nothing;
//! applying is all or nothing and never overwrites what an assignment holds; unreadable
//! files (BOM, UTF-16, not UTF-8, a DTD, entities) are refused as a whole; and the three
//! parsers, fed generated input, never panic and refuse only with InvalidInput.

mod support;

use ipmanager::Error;
use ipmanager::ipam::allocator::{self, Target};
use ipmanager::transfer::export::{self, Scope};
use ipmanager::transfer::{Format, import, parse};
use mysql::prelude::Queryable;
use proptest::prelude::*;
use serde_json::json;
use support::TestDb;
use support::ipam::{migrated, pool, subnet, whmcs_tables};

const FORMATS: [Format; 3] = [Format::Csv, Format::Xml, Format::Json];

fn with_services(label: &str) -> TestDb {
    let test = migrated(label);
    whmcs_tables(&test);
    let mut c = test.conn();
    for id in 1..=8 {
        c.exec_drop(
            "INSERT INTO tblhosting (id, userid, packageid, domain, domainstatus) VALUES (?, 1, 1, ?, 'Active')",
            (id, format!("s{id}.example")),
        )
        .unwrap();
    }
    test
}

/// Subnets with a child, rules, reserved and excluded ranges, a description with a line
/// break and markup, IPv4 and IPv6 pools (one of /64 prefixes), and assignments.
fn populated(label: &str) -> TestDb {
    let test = with_services(label);
    let parent = subnet(
        &test,
        json!({"cidr": "10.80.0.0/22", "name": "edge <one>", "gateway": "10.80.0.1", "vlan": 42,
               "description": "line one\nline \"two\" & more", "reserved": "10.80.0.5-10.80.0.7",
               "excluded": "10.80.3.250", "reserve_first": 2}),
    );
    let child = subnet(
        &test,
        json!({"cidr": "10.80.2.0/24", "name": "child", "parent_id": parent.id}),
    );
    let v6 = subnet(&test, json!({"cidr": "2001:db8:80::/48", "name": "v6"}));
    let p = pool(
        &test,
        json!({"subnet_id": parent.id, "name": "edge pool", "range": "10.80.0.10-10.80.1.200"}),
    );
    let c = pool(
        &test,
        json!({"subnet_id": child.id, "name": "child pool", "description": "kid's"}),
    );
    let r = pool(
        &test,
        json!({"subnet_id": v6.id, "name": "routed", "prefix_len": 64}),
    );
    for service in 1..=4 {
        allocator::allocate(&test.db, Target::Pool(p.id), service, 2).unwrap();
        allocator::allocate(&test.db, Target::Pool(r.id), service, 1).unwrap();
    }
    allocator::allocate(&test.db, Target::Pool(c.id), 5, 3).unwrap();
    test
}

fn exported(test: &TestDb, format: Format, scope: Scope) -> Vec<u8> {
    let mut out = Vec::new();
    export::export(&test.db, scope, format, &mut out).unwrap();
    out
}

const ALL: Scope = Scope {
    subnet_id: None,
    subnets: true,
    assignments: true,
};

#[test]
fn export_import_export_gives_the_same_file_in_every_format() {
    let source = populated("xfer_source");
    for format in FORMATS {
        let first = exported(&source, format, ALL);
        let text = String::from_utf8_lossy(&first);
        for expected in [
            "10.80.0.0/22",
            "10.80.2.0/24",
            "edge pool",
            "2001:db8:80:1::/64",
            "10.80.2.3",
            "10.80.0.5-10.80.0.7",
        ] {
            assert!(
                text.contains(expected),
                "{format:?} lacks {expected}: {text}"
            );
        }
        let target = with_services(&format!("xfer_target_{}", format.extension()));
        let preview = import::preview(&target.db, &first, format).unwrap();
        assert!(
            preview.refused.is_empty(),
            "{format:?}: {:?}",
            preview.refused
        );
        assert!(
            exported(&target, format, ALL).len() < first.len(),
            "the preview kept something"
        );
        let applied = import::apply(&target.db, &first, format).unwrap();
        assert_eq!(applied.added.len(), preview.added.len());
        let second = exported(&target, format, ALL);
        assert_eq!(
            String::from_utf8_lossy(&second),
            String::from_utf8_lossy(&first),
            "{format:?}"
        );
        // Importing it again adds nothing: every line is already there.
        let again = import::preview(&target.db, &first, format).unwrap();
        assert!(
            again.added.is_empty() && again.refused.is_empty(),
            "{format:?}: {again:?}"
        );
    }
}

#[test]
fn an_export_of_one_subnet_holds_it_its_children_and_their_assignments_only() {
    let source = populated("xfer_scope");
    let parent: u64 = source
        .conn()
        .query_first("SELECT id FROM mod_ipmanager_subnets WHERE name = 'edge <one>'")
        .unwrap()
        .unwrap();
    let text = String::from_utf8(exported(
        &source,
        Format::Csv,
        Scope {
            subnet_id: Some(parent),
            ..ALL
        },
    ))
    .unwrap();
    assert!(text.contains("10.80.2.0/24") && text.contains("10.80.0.10"));
    assert!(!text.contains("2001:db8:80"), "{text}");
}

#[test]
fn the_preview_judges_every_line_and_applying_a_refused_file_changes_nothing() {
    let test = populated("xfer_lines");
    let before = exported(&test, Format::Csv, ALL);
    let header = ipmanager::transfer::records::CSV_COLUMNS.join(",");
    let pad = |cells: &[(&str, usize)]| {
        let mut row = vec![String::new(); 22];
        for (v, i) in cells {
            row[*i] = v.to_string();
        }
        row.join(",")
    };
    let file = [
        header,
        pad(&[("subnet", 0), ("10.81.0.0/24", 1), ("new", 2), ("1", 9)]), // 2: added
        pad(&[("subnet", 0), ("10.80.0.0/22", 1), ("edge", 2)]),          // 3: already there
        pad(&[("subnet", 0), ("10.80.1.0/24", 1), ("overlap", 2)]),       // 4: overlaps
        pad(&[
            ("assignment", 0),
            ("10.81.0.9", 19),
            ("10.81.0.0/24", 16),
            ("6", 20),
        ]), // 5: added
        pad(&[
            ("assignment", 0),
            ("10.81.0.9", 19),
            ("10.81.0.0/24", 16),
            ("7", 20),
        ]), // 6: duplicate
        pad(&[
            ("assignment", 0),
            ("10.99.0.1", 19),
            ("10.81.0.0/24", 16),
            ("6", 20),
        ]), // 7: outside
        pad(&[
            ("assignment", 0),
            ("10.81.0.10", 19),
            ("10.81.0.0/24", 16),
            ("999", 20),
        ]), // 8: unknown service
        pad(&[
            ("assignment", 0),
            ("10.80.0.10", 19),
            ("10.80.0.0/22", 16),
            ("8", 20),
        ]), // 9: held by service 1
        pad(&[
            ("assignment", 0),
            ("10.80.0.10", 19),
            ("10.80.0.0/22", 16),
            ("1", 20),
        ]), // 10: duplicate of 9
        pad(&[("planet", 0)]),                                            // 11: unknown record
        pad(&[
            ("assignment", 0),
            ("10.80.0.12", 19),
            ("10.80.0.0/22", 16),
            ("x", 20),
        ]), // 12: bad number
    ]
    .join("\n");
    let report = import::preview(&test.db, file.as_bytes(), Format::Csv).unwrap();
    let lines = |l: &[import::ImportLine]| l.iter().map(|x| x.line).collect::<Vec<_>>();
    assert_eq!(lines(&report.added), [2, 5], "{report:#?}");
    assert_eq!(lines(&report.already), [3]);
    assert_eq!(
        lines(&report.refused),
        [4, 6, 7, 8, 9, 10, 11, 12],
        "{report:#?}"
    );
    let reason = |n: u64| {
        report
            .refused
            .iter()
            .find(|l| l.line == n)
            .unwrap()
            .reason
            .clone()
    };
    assert!(reason(6).contains("duplicate of line 5"), "{}", reason(6));
    assert!(reason(7).contains("outside its subnet"), "{}", reason(7));
    assert!(
        reason(8).contains("service #999 is not in WHMCS"),
        "{}",
        reason(8)
    );
    assert!(reason(9).contains("service #1"), "{}", reason(9));
    assert!(reason(11).contains("'planet'"), "{}", reason(11));
    assert!(reason(12).contains("whole number"), "{}", reason(12));

    let e = import::apply(&test.db, file.as_bytes(), Format::Csv).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput(m) if m.contains("8 line(s)") && m.contains("nothing was imported")),
        "{e}"
    );
    assert_eq!(exported(&test, Format::Csv, ALL), before, "nothing changed");
}

/// A file written by hand may list a child subnet before its parent (and a pool of the
/// child before either): parents are taken first, the child lands under its parent, and
/// the parent never hands out the child's addresses.
#[test]
fn a_child_subnet_before_its_parent_in_the_file_is_taken_under_it() {
    let test = with_services("xfer_order");
    let header = ipmanager::transfer::records::CSV_COLUMNS.join(",");
    let file = format!(
        "{header}\n\
         pool,,child pool,,,,,,,,,,,,,,10.82.1.0/24,10.82.1.10-10.82.1.20,32,,,\n\
         subnet,10.82.1.0/24,child,10.82.0.0/22,,,,,,1,1,1,1,0,0,0,,,,,,\n\
         subnet,10.82.0.0/22,parent,,,,,,,1,1,1,1,0,0,0,,,,,,\n\
         pool,,parent pool,,,,,,,,,,,,,,10.82.0.0/22,10.82.0.0-10.82.3.255,32,,,\n"
    );
    let preview = import::preview(&test.db, file.as_bytes(), Format::Csv).unwrap();
    assert!(preview.refused.is_empty(), "{:?}", preview.refused);
    let applied = import::apply(&test.db, file.as_bytes(), Format::Csv).unwrap();
    assert_eq!(applied.added.len(), 4, "{applied:?}");
    let (child_parent, parent_id): (Option<u64>, u64) = test
        .conn()
        .query_first(
            "SELECT c.parent_id, p.id FROM mod_ipmanager_subnets c JOIN mod_ipmanager_subnets p \
             ON p.network = (SELECT network FROM mod_ipmanager_subnets WHERE name = 'parent') \
             WHERE c.name = 'child'",
        )
        .unwrap()
        .unwrap();
    assert_eq!(child_parent, Some(parent_id));
    let parent_pool: u64 = test
        .conn()
        .query_first("SELECT id FROM mod_ipmanager_pools WHERE name = 'parent pool'")
        .unwrap()
        .unwrap();
    for service in 1..=300 {
        let Ok(got) = allocator::allocate(&test.db, Target::Pool(parent_pool), service, 1) else {
            break;
        };
        assert!(
            !got[0].address.starts_with("10.82.1."),
            "the parent handed out its child's {}",
            got[0].address
        );
    }
}

#[test]
fn unreadable_files_are_refused_as_a_whole_with_where() {
    let refused = |bytes: &[u8], format: Format| match parse::parse(bytes, format) {
        Err(Error::InvalidInput(m)) => m,
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("{} accepted", String::from_utf8_lossy(bytes)),
    };
    assert!(refused(b"\xEF\xBB\xBFrecord,cidr\n", Format::Csv).contains("byte-order mark"));
    assert!(refused(b"\xFF\xFEr\0e\0", Format::Csv).contains("UTF-16"));
    assert!(refused(b"record,cidr\nsubnet,\xC3\x28\n", Format::Csv).contains("line 2"));
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<ipmanager version="1"><subnet cidr="&lol2;"/></ipmanager>"#;
    assert!(refused(billion_laughs.as_bytes(), Format::Xml).contains("DTD"));
    let xxe = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ipmanager version="1"/>"#;
    assert!(refused(xxe.as_bytes(), Format::Xml).contains("DTD"));
    let undeclared = r#"<ipmanager version="1"><subnet cidr="&xxe;"/></ipmanager>"#;
    assert!(refused(undeclared.as_bytes(), Format::Xml).contains("line 1"));
    assert!(refused(b"<ipmanager version=\"1\">\n\n<subnet", Format::Xml).contains("line 3"));
    assert!(refused(b"{\"ipmanager\": 1,\n \"subnets\": [}", Format::Json).contains("line 2"));
    assert!(refused(b"{\"ipmanager\": 2}", Format::Json).contains("version 2"));
    assert!(refused(b"name,cidr\n", Format::Csv).contains("'record'"));
    let big = vec![b' '; (ipmanager::transfer::MAX_IMPORT_BYTES + 1) as usize];
    assert!(refused(&big, Format::Json).contains("at most"));
}

#[test]
fn json_and_xml_lines_point_at_the_record() {
    let json = "{\"ipmanager\": 1,\n\"subnets\": [\n{\"cidr\": \"10.0.0.0/24\"},\n{\"cidr\": \"10.0.1.0/24\", \"colour\": 1}\n]}";
    let parsed = parse::parse(json.as_bytes(), Format::Json).unwrap();
    assert_eq!(parsed.records[0].line, 3);
    assert_eq!(parsed.errors[0].line, 4);
    assert!(
        parsed.errors[0].reason.contains("colour"),
        "{:?}",
        parsed.errors
    );
    let xml = "<ipmanager version=\"1\">\n<subnet cidr=\"10.0.0.0/24\">\n  <pool name=\"p\" range=\"10.0.0.1-10.0.0.9\"/>\n</subnet>\n<assignment address=\"10.0.0.2\" subnet=\"10.0.0.0/24\" service_id=\"0\"/>\n</ipmanager>";
    let parsed = parse::parse(xml.as_bytes(), Format::Xml).unwrap();
    let lines: Vec<u64> = parsed.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3]);
    assert_eq!(parsed.errors[0].line, 5);
}

fn valid_documents() -> Vec<(Format, Vec<u8>)> {
    vec![
        (Format::Csv, format!("{}\nsubnet,10.0.0.0/24,a,,,,,,,1,1,1,1,0,0,0,,,,,,\npool,,p,,,,,,,,,,,,,,10.0.0.0/24,10.0.0.2-10.0.0.9,32,,,\nassignment,,,,,,,,,,,,,,,,10.0.0.0/24,,,10.0.0.3,4,p", ipmanager::transfer::records::CSV_COLUMNS.join(",")).into_bytes()),
        (Format::Xml, b"<?xml version=\"1.0\"?>\n<ipmanager version=\"1\">\n<subnet cidr=\"10.0.0.0/24\" name=\"a &amp; b\" vlan=\"7\"><pool name=\"p\" range=\"10.0.0.2-10.0.0.9\"/></subnet>\n<assignment address=\"10.0.0.3\" subnet=\"10.0.0.0/24\" service_id=\"4\"/>\n</ipmanager>".to_vec()),
        (Format::Json, b"{\"ipmanager\": 1, \"subnets\": [{\"cidr\": \"10.0.0.0/24\", \"name\": \"a\", \"vlan\": 7, \"pools\": [{\"name\": \"p\", \"range\": \"10.0.0.2-10.0.0.9\"}]}], \"assignments\": [{\"address\": \"10.0.0.3\", \"subnet\": \"10.0.0.0/24\", \"service_id\": 4}]}".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Arbitrary bytes: never a panic, and a refusal is always InvalidInput.
    #[test]
    fn parsers_take_any_bytes_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..2048), which in 0usize..3) {
        if let Err(e) = parse::parse(&bytes, FORMATS[which]) {
            prop_assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        }
    }

    /// A valid document with bytes changed, cut or inserted: the same.
    #[test]
    fn parsers_take_damaged_documents_without_panicking(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
    ) {
        let (format, mut bytes) = valid_documents().swap_remove(which);
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let started = std::time::Instant::now();
        if let Err(e) = parse::parse(&bytes, format) {
            prop_assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        }
        prop_assert!(started.elapsed() < std::time::Duration::from_secs(2), "no hang");
    }
}

#[test]
fn the_valid_documents_of_the_fuzz_test_are_read_whole() {
    for (format, bytes) in valid_documents() {
        let parsed = parse::parse(&bytes, format).unwrap();
        assert_eq!(
            (parsed.records.len(), parsed.errors.len()),
            (3, 0),
            "{format:?}: {:?}",
            parsed.errors
        );
    }
}
