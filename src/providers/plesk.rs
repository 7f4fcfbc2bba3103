//! Plesk XML API (`shared/providers.md`): one POST of a `<packet>` to `agent.php`, with the
//! secret key (`KEY`, the server's access hash) or the login and password headers. A
//! subscription's IP is set with `<webspace><set>` (inside `vrt_hst` the IP comes after any
//! `property` elements); the address is first added to the server's pool as exclusive
//! (1013 "already added" counts as done). Removing points the subscription back at the
//! server's main IP (WHMCS's server IP address) and deletes the address from the pool
//! (1018 "IP not found" counts as done). IPv6 and prefixes are not supported here: the
//! netmask form Plesk wants for them is not confirmed.

use super::http::{self, Body, Client};
use super::settings::IntegrationSettings;
use super::{IpChange, Provider, ServerAccess};
use crate::error::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::Event;

pub const NAME: &str = "Plesk";
const DEFAULT_PORT: u16 = 8443;
const ALREADY_ADDED: &str = "1013";
const IP_NOT_FOUND: &str = "1018";

/// The integration; `interface` is the server's network interface new pool addresses go on.
pub struct Plesk {
    interface: String,
}

impl Plesk {
    pub fn new(settings: &IntegrationSettings) -> Plesk {
        Plesk {
            interface: settings.option("interface").to_string(),
        }
    }
}

struct Agent {
    client: Client,
    url: String,
    headers: Vec<(&'static str, String)>,
}

/// What a reply said: the first `status`, `errcode` and `errtext` anywhere in it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    status: String,
    errcode: String,
    errtext: String,
}

impl Agent {
    fn new(server: &ServerAccess) -> Result<Agent> {
        let key: String = server.access_hash.split_whitespace().collect();
        let (headers, secret) = if !key.is_empty() {
            (vec![("KEY", key.clone())], key)
        } else if !server.username.trim().is_empty() && !server.password.is_empty() {
            (
                vec![
                    ("HTTP_AUTH_LOGIN", server.username.trim().to_string()),
                    ("HTTP_AUTH_PASSWD", server.password.clone()),
                ],
                server.password.clone(),
            )
        } else {
            return Err(Error::invalid(
                "The Plesk server needs a secret key (access hash) or a login and password in WHMCS.",
            ));
        };
        Ok(Agent {
            client: Client::new(NAME, &server.http, &[&secret])?,
            url: format!(
                "{}/enterprise/control/agent.php",
                http::origin(NAME, server, (DEFAULT_PORT, DEFAULT_PORT))?
            ),
            headers,
        })
    }

    fn packet(&self, action: &str, inner: &str) -> Result<Outcome> {
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><packet>{inner}</packet>");
        let mut headers: Vec<(&str, &str)> = vec![("Content-Type", "text/xml")];
        headers.extend(self.headers.iter().map(|(k, v)| (*k, v.as_str())));
        let reply =
            self.client
                .send(action, "POST", &self.url, &[], &headers, Body::Text(&body))?;
        reply.answered(
            NAME,
            action,
            "secret key (access hash) or login and password",
        )?;
        let outcome = read_outcome(&reply.body).ok_or_else(|| {
            Error::Integration(format!(
                "{NAME} answered {action} with something that is not its XML reply."
            ))
        })?;
        Ok(outcome)
    }

    /// Ok unless the reply is an error other than `tolerated`.
    fn expect_ok(&self, action: &str, inner: &str, tolerated: &[&str]) -> Result<()> {
        let outcome = self.packet(action, inner)?;
        if outcome.status == "ok" || tolerated.contains(&outcome.errcode.as_str()) {
            return Ok(());
        }
        let hint = match outcome.errcode.as_str() {
            "1001" | "11003" => " (check the server's login or secret key in WHMCS)",
            "1006" => " (the login may not do this)",
            _ => "",
        };
        Err(Error::Integration(format!(
            "{NAME} {action}: error {} {}{hint}",
            outcome.errcode, outcome.errtext
        )))
    }
}

fn read_outcome(body: &str) -> Option<Outcome> {
    let mut reader = Reader::from_str(body);
    let mut outcome = Outcome::default();
    let mut current = String::new();
    let mut seen_packet = false;
    loop {
        match reader.read_event().ok()? {
            Event::DocType(_) => return None,
            Event::Start(e) => {
                current = e.name().as_ref().to_string();
                seen_packet |= current == "packet";
            }
            Event::Text(t) => {
                let raw = t.into_inner();
                let text = quick_xml::escape::unescape(&raw).ok()?.trim().to_string();
                let slot = match current.as_str() {
                    "status" => &mut outcome.status,
                    "errcode" => &mut outcome.errcode,
                    "errtext" => &mut outcome.errtext,
                    _ => continue,
                };
                if slot.is_empty() {
                    *slot = text;
                }
            }
            Event::End(_) => current.clear(),
            Event::Eof => break,
            _ => {}
        }
    }
    (seen_packet && !outcome.status.is_empty()).then_some(outcome)
}

/// Text for an XML element's content.
fn escaped(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

fn the_domain(change: &IpChange) -> Result<&str> {
    let domain = change.domain.trim();
    if domain.is_empty() {
        return Err(Error::Integration(format!(
            "Service #{} has no domain in WHMCS; {NAME} finds the subscription by it.",
            change.service_id
        )));
    }
    Ok(domain)
}

fn set_site_ip(agent: &Agent, domain: &str, ip: &str) -> Result<()> {
    agent.expect_ok(
        "webspace set",
        &format!(
            "<webspace><set><filter><name>{}</name></filter><values><hosting><vrt_hst><ip_address>{}</ip_address></vrt_hst></hosting></values></set></webspace>",
            escaped(domain),
            escaped(ip)
        ),
        &[],
    )
}

impl Provider for Plesk {
    fn name(&self) -> &str {
        NAME
    }

    /// A subscription is set to single IPv4 addresses.
    fn unsupported(&self, address: &str) -> Option<String> {
        (address.contains(':') || address.contains('/')).then(|| {
            format!(
                "{address} is not supported by {NAME} here: only single IPv4 addresses are set on a subscription; configure it in Plesk by hand."
            )
        })
    }

    fn add_ips(&self, change: &IpChange) -> Result<()> {
        if change.addresses.is_empty() {
            return Ok(());
        }
        super::refuse_unsupported(self, change)?;
        let domain = the_domain(change)?;
        let [ip] = change.addresses.as_slice() else {
            return Err(Error::Integration(format!(
                "A {NAME} subscription is set to one IPv4 address; service #{} was given {}.",
                change.service_id,
                change.addresses.len()
            )));
        };
        let agent = Agent::new(&change.server)?;
        let mask = crate::net::ipv4_netmask(change.network_of(ip).map_or(32, |n| n.prefix_len));
        agent.expect_ok(
            "ip add",
            &format!(
                "<ip><add><ip_address>{}</ip_address><netmask>{mask}</netmask><type>exclusive</type><interface>{}</interface></add></ip>",
                escaped(ip),
                escaped(&self.interface)
            ),
            &[ALREADY_ADDED],
        )?;
        set_site_ip(&agent, domain, ip)
    }

    fn remove_ips(&self, change: &IpChange) -> Result<()> {
        if change.addresses.is_empty() {
            return Ok(());
        }
        super::refuse_unsupported(self, change)?;
        let domain = the_domain(change)?;
        let main = change.server.ip.trim();
        if main.is_empty() {
            return Err(Error::Integration(format!(
                "The {NAME} server has no IP address in WHMCS; the subscription goes back to it."
            )));
        }
        let agent = Agent::new(&change.server)?;
        set_site_ip(&agent, domain, main)?;
        for ip in &change.addresses {
            agent.expect_ok(
                "ip del",
                &format!(
                    "<ip><del><filter><ip_address>{}</ip_address></filter></del></ip>",
                    escaped(ip)
                ),
                &[IP_NOT_FOUND],
            )?;
        }
        Ok(())
    }

    fn test_connection(&self, server: &ServerAccess) -> Result<String> {
        Agent::new(server)?.expect_ok("ip get", "<ip><get/></ip>", &[])?;
        Ok(format!("{NAME} answered (credentials accepted)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_and_doctypes_refused() {
        let ok = "<?xml version=\"1.0\"?><packet><ip><add><result><status>ok</status></result></add></ip></packet>";
        assert_eq!(read_outcome(ok).unwrap().status, "ok");
        let err = "<packet><system><status>error</status><errcode>1001</errcode><errtext>Authentication failed</errtext></system></packet>";
        let o = read_outcome(err).unwrap();
        assert_eq!(
            (o.errcode.as_str(), o.errtext.as_str()),
            ("1001", "Authentication failed")
        );
        assert!(
            read_outcome("<!DOCTYPE x [<!ENTITY a \"b\">]><packet><status>&a;</status></packet>")
                .is_none()
        );
        assert!(read_outcome("not xml").is_none());
    }
}
