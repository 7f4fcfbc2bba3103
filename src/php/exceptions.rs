//! The PHP exception hierarchy, and the one mapping from `crate::Error` onto it.
//!
//! `IpManager\Exception` (extends `\Exception`) is the base; callers that only care that
//! IP Manager failed catch that, callers that care why catch a subclass.

use crate::error::Error;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::zend::ce;

#[php_class]
#[php(name = "IpManager\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct BaseException;

/// Declares one subclass of `IpManager\Exception`.
macro_rules! exception_class {
    ($rust:ident, $php:literal) => {
        #[php_class]
        #[php(name = $php)]
        #[php(extends(BaseException))]
        #[derive(Default)]
        pub struct $rust;
    };
}

exception_class!(InvalidInputException, "IpManager\\Exception\\InvalidInput");
exception_class!(NotFoundException, "IpManager\\Exception\\NotFound");
exception_class!(ConflictException, "IpManager\\Exception\\Conflict");
exception_class!(
    PoolExhaustedException,
    "IpManager\\Exception\\PoolExhausted"
);
exception_class!(IntegrationException, "IpManager\\Exception\\Integration");
exception_class!(
    NotConfiguredException,
    "IpManager\\Exception\\NotConfigured"
);
exception_class!(DatabaseException, "IpManager\\Exception\\Database");
exception_class!(InternalException, "IpManager\\Exception\\Internal");

/// Exception codes, stable for PHP callers that switch on `getCode()`.
fn code(error: &Error) -> i32 {
    match error {
        Error::InvalidInput(_) => 1,
        Error::NotFound(_) => 2,
        Error::Conflict(_) => 3,
        Error::PoolExhausted(_) => 4,
        Error::Integration(_) => 5,
        Error::NotConfigured(_) => 6,
        Error::Database(_) => 7,
        Error::Internal(_) => 8,
    }
}

fn exception<T: RegisteredClass>(message: String, code: i32) -> PhpException {
    PhpException::new(message, code, T::get_metadata().ce())
}

/// PHP takes the message as a C string: a NUL byte (or other control character) that came
/// in with the input is shown escaped rather than making the exception itself fail.
fn printable(message: String) -> String {
    if !message.chars().any(|c| c.is_control() && c != '\n') {
        return message;
    }
    message
        .chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

impl From<Error> for PhpException {
    fn from(error: Error) -> Self {
        let code = code(&error);
        let message = printable(error.to_string());
        match error {
            Error::InvalidInput(_) => exception::<InvalidInputException>(message, code),
            Error::NotFound(_) => exception::<NotFoundException>(message, code),
            Error::Conflict(_) => exception::<ConflictException>(message, code),
            Error::PoolExhausted(_) => exception::<PoolExhaustedException>(message, code),
            Error::Integration(_) => exception::<IntegrationException>(message, code),
            Error::NotConfigured(_) => exception::<NotConfiguredException>(message, code),
            Error::Database(_) => exception::<DatabaseException>(message, code),
            Error::Internal(_) => exception::<InternalException>(message, code),
        }
    }
}

/// Registers the classes, parent first.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .class::<BaseException>()
        .class::<InvalidInputException>()
        .class::<NotFoundException>()
        .class::<ConflictException>()
        .class::<PoolExhaustedException>()
        .class::<IntegrationException>()
        .class::<NotConfiguredException>()
        .class::<DatabaseException>()
        .class::<InternalException>()
}
