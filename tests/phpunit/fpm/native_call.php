<?php
// Served by php-fpm (FpmPoolTest, the cold-start benchmark): one native call that needs the
// database, timed inside the request, then the worker's pid and the id of the connection
// its pool holds. FastCGI parameters: IPMANAGER_TEST_DB (credentials as JSON) and POOL_ID and
// SERVICE_ID (the call allocates one address from that pool for that service).
ipmanager_configure(json_decode($_SERVER['IPMANAGER_TEST_DB'], true));
$t = hrtime(true);
$got = ipmanager_allocate(['pool_id' => (int) $_SERVER['POOL_ID'], 'service_id' => (int) $_SERVER['SERVICE_ID']]);
$us = (hrtime(true) - $t) / 1000;
$status = ipmanager_status();
echo json_encode(['pid' => getmypid(), 'connection_id' => $status['connection_id'], 'connected' => $status['connected'],
    'address' => $got[0]['address'], 'us' => $us]);
