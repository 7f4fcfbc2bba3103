//! Services as WHMCS records them (`tblhosting`).

use mysql::params;
use mysql::prelude::Queryable;

/// WHMCS keeps one dedicated IP and a newline-separated list of further IPs.
pub fn ip_list(dedicated: Option<&str>, assigned: Option<&str>) -> Vec<String> {
    let mut ips: Vec<String> = Vec::new();
    let all = dedicated.into_iter().chain(
        assigned
            .into_iter()
            .flat_map(|a| a.split(['\n', '\r', ','])),
    );
    for ip in all.map(str::trim).filter(|s| !s.is_empty()) {
        if !ips.iter().any(|known| known == ip) {
            ips.push(ip.to_string());
        }
    }
    ips
}

#[cfg(test)]
mod tests {
    use super::ip_list;

    #[test]
    fn dedicated_first_then_assigned_without_blanks_or_repeats() {
        let ips = ip_list(
            Some("192.0.2.5"),
            Some("192.0.2.6\r\n\n192.0.2.5\n 2001:db8::1 "),
        );
        assert_eq!(ips, ["192.0.2.5", "192.0.2.6", "2001:db8::1"]);
        assert!(ip_list(Some(""), None).is_empty());
    }
}

/// What a panel change needs to know of a service: its status, provisioning module, panel
/// username and domain, and the WHMCS server it lives on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanelFacts {
    pub status: String,
    pub module: String,
    pub username: String,
    pub domain: String,
    pub server_id: u32,
}

/// The service's panel facts; None when WHMCS has no such service any more.
/// The service's dedicated (main) IP as WHMCS keeps it ('' for none).
pub fn dedicated_ip(q: &mut impl Queryable, service_id: u32) -> crate::store::Outcome<String> {
    let ip: Option<Option<String>> = q.exec_first(
        "SELECT dedicatedip FROM tblhosting WHERE id = :id",
        params! {"id" => service_id},
    )?;
    Ok(ip.flatten().unwrap_or_default())
}

pub fn panel_facts(
    q: &mut impl Queryable,
    service_id: u32,
) -> crate::store::Outcome<Option<PanelFacts>> {
    let row: Option<(String, String, String, String, u32)> = q.exec_first(
        "SELECT h.domainstatus, COALESCE(p.servertype, ''), h.username, h.domain, h.server FROM tblhosting h \
         LEFT JOIN tblproducts p ON p.id = h.packageid WHERE h.id = :id",
        params! {"id" => service_id},
    )?;
    Ok(
        row.map(|(status, module, username, domain, server_id)| PanelFacts {
            status,
            module,
            username,
            domain,
            server_id,
        }),
    )
}
