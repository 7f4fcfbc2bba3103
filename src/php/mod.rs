//! The ext-php-rs binding layer: the only Rust code that knows PHP exists.

pub mod args;
pub mod convert;
pub mod exceptions;
pub mod forms;
pub mod functions;
pub mod info;
pub mod loose;
pub mod requests;

use ext_php_rs::prelude::*;

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    let module = module
        .name("ipmanager")
        .version(env!("CARGO_PKG_VERSION"))
        .info_function(info::module_info);
    let module = functions::system::register(module);
    let module = functions::client::register(module);
    let module = functions::ipam::register(module);
    let module = functions::audit::register(module);
    let module = functions::provision::register(module);
    let module = functions::jobs::register(module);
    let module = functions::integrations::register(module);
    let module = functions::netbox::register(module);
    let module = functions::transfer::register(module);
    let module = functions::dns::register(module);
    exceptions::register(module)
}
