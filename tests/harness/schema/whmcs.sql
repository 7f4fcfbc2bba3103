-- The WHMCS 8.x tables IP Manager touches, with the names and types observed in public
-- WHMCS schema dumps (see shared/whmcs.md). Only the columns the addon and the harness use.

CREATE TABLE IF NOT EXISTS tblclients (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  firstname TEXT NOT NULL, lastname TEXT NOT NULL, companyname TEXT NOT NULL,
  email TEXT NOT NULL, password TEXT NOT NULL,
  status ENUM('Active','Inactive','Closed') NOT NULL DEFAULT 'Active',
  datecreated DATE NOT NULL DEFAULT '0000-00-00'
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblproducts (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TEXT NOT NULL, gid INT(10) NOT NULL DEFAULT 0, name TEXT NOT NULL,
  servertype TEXT NOT NULL, servergroup INT(10) NOT NULL DEFAULT 0,
  configoption1 TEXT NOT NULL DEFAULT '', configoption2 TEXT NOT NULL DEFAULT '',
  configoption3 TEXT NOT NULL DEFAULT '', configoption4 TEXT NOT NULL DEFAULT '',
  retired TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblhosting (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  userid INT(10) NOT NULL, orderid INT(10) NOT NULL DEFAULT 0, packageid INT(10) NOT NULL,
  server INT(10) NOT NULL DEFAULT 0, regdate DATE NOT NULL DEFAULT '0000-00-00',
  domain TEXT NOT NULL, billingcycle TEXT NOT NULL DEFAULT '',
  domainstatus ENUM('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
  username TEXT NOT NULL DEFAULT '', password TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
  dedicatedip TEXT NOT NULL DEFAULT '', assignedips TEXT NOT NULL DEFAULT '',
  KEY userid (userid), KEY packageid (packageid), KEY server (server), KEY domainstatus (domainstatus)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblhostingaddons (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  orderid INT(10) NOT NULL DEFAULT 0, hostingid INT(10) NOT NULL, addonid INT(10) NOT NULL,
  userid INT(10) NOT NULL DEFAULT 0, server INT(10) NOT NULL DEFAULT 0, name TEXT NOT NULL DEFAULT '',
  status ENUM('Pending','Active','Suspended','Terminated','Cancelled','Fraud','Completed') NOT NULL DEFAULT 'Pending',
  KEY hostingid (hostingid), KEY addonid (addonid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tbladdons (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  packages TEXT NOT NULL, name TEXT NOT NULL, module TEXT NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblproductconfiggroups (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblproductconfiglinks (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, gid INT(10) NOT NULL, pid INT(10) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblproductconfigoptions (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, gid INT(10) NOT NULL, optionname TEXT NOT NULL,
  optiontype TEXT NOT NULL, qtyminimum INT(10) NOT NULL DEFAULT 0, qtymaximum INT(10) NOT NULL DEFAULT 0,
  hidden TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblproductconfigoptionssub (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, configid INT(10) NOT NULL, optionname TEXT NOT NULL,
  sortorder INT(10) NOT NULL DEFAULT 0, hidden TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblhostingconfigoptions (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, relid INT(10) NOT NULL, configid INT(10) NOT NULL,
  optionid INT(10) NOT NULL, qty INT(10) NOT NULL DEFAULT 0, KEY relid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- Orders of upgrades and addons, and their invoices (observed WHMCS 8.x columns, see
-- shared/whmcs.md "Orders, invoices and what paying one runs").
CREATE TABLE IF NOT EXISTS tblupgrades (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, userid INT(10) NOT NULL, orderid INT(10) NOT NULL DEFAULT 0,
  type ENUM('package','configoptions') NOT NULL, date DATE NULL, relid INT(10) NOT NULL,
  originalvalue TEXT NOT NULL, newvalue TEXT NOT NULL, amount DECIMAL(16,2) NOT NULL DEFAULT 0,
  recurringchange DECIMAL(16,2) NOT NULL DEFAULT 0, status ENUM('Pending','Completed') NOT NULL DEFAULT 'Pending',
  paid ENUM('Y','N') NOT NULL DEFAULT 'N', KEY relid (relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblinvoices (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, userid INT(10) NOT NULL, date DATE NULL, duedate DATE NULL,
  datepaid DATETIME NULL, total DECIMAL(16,2) NOT NULL DEFAULT 0,
  status ENUM('Draft','Unpaid','Paid','Cancelled','Refunded','Collections','Payment Pending') NOT NULL DEFAULT 'Unpaid'
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblinvoiceitems (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, invoiceid INT(10) NOT NULL, userid INT(10) NOT NULL,
  type VARCHAR(30) NOT NULL, relid INT(10) NOT NULL, description TEXT NOT NULL, amount DECIMAL(16,2) NOT NULL DEFAULT 0,
  KEY invoiceid (invoiceid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblservers (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name TEXT NOT NULL, ipaddress TEXT NOT NULL DEFAULT '', assignedips TEXT NOT NULL DEFAULT '',
  hostname TEXT NOT NULL DEFAULT '', type TEXT NOT NULL, username TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '', accesshash TEXT NOT NULL DEFAULT '', secure VARCHAR(2) NOT NULL DEFAULT '',
  port INT(8) NULL, active INT(1) NOT NULL DEFAULT 0, disabled INT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblservergroups (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, filltype INT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblservergroupsrel (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, groupid INT(10) NOT NULL, serverid INT(10) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblcustomfields (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  type TEXT NOT NULL, relid INT(10) NOT NULL DEFAULT 0, fieldname TEXT NOT NULL,
  fieldtype TEXT NOT NULL, adminonly TEXT NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tblcustomfieldsvalues (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  fieldid INT(10) NOT NULL, relid INT(10) NOT NULL, value TEXT NOT NULL,
  KEY fieldid_relid (fieldid, relid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tbladminroles (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE IF NOT EXISTS tbladmins (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  roleid INT(10) NOT NULL, username TEXT NOT NULL, password VARCHAR(255) NOT NULL DEFAULT '',
  firstname TEXT NOT NULL, lastname TEXT NOT NULL, email TEXT NOT NULL,
  disabled INT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tbladdonmodules (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  module TEXT NOT NULL, setting TEXT NOT NULL, value TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblactivitylog (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  date DATETIME NOT NULL, description TEXT NOT NULL, user TEXT NOT NULL,
  userid INT(10) NOT NULL DEFAULT 0, admin_id INT(10) NOT NULL DEFAULT 0, ipaddr TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS tblmodulelog (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  date DATETIME NOT NULL, module TEXT NOT NULL, action TEXT NOT NULL,
  request TEXT NOT NULL, response TEXT NOT NULL, arrdata TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

-- Harness only: what localAPI was asked to do, so tests (and web runs) can read it back.
CREATE TABLE IF NOT EXISTS harness_localapi_calls (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created_at DATETIME NOT NULL, command VARCHAR(64) NOT NULL, params LONGTEXT NOT NULL,
  result LONGTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Harness only: what the provisioning module received (CreateAccount etc.), for tests.
CREATE TABLE IF NOT EXISTS harness_module_calls (
  id INT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  created_at DATETIME NOT NULL, module VARCHAR(64) NOT NULL, action VARCHAR(64) NOT NULL,
  serviceid INT(10) NOT NULL, params LONGTEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
