<?php

use IpManager\Addon\Runtime;

require_once __DIR__ . '/fpm/Fpm.php';

/** Under PHP-FPM, as WHMCS runs: a worker keeps its database pool from one request to the next. */
final class FpmPoolTest extends HarnessTestCase
{
    public function testAWorkerKeepsItsConnectionAcrossRequests(): void
    {
        $this->activate();
        Runtime::connect();
        $subnet = ipmanager_subnet_create(['cidr' => '198.51.100.0/24', 'name' => 'fpm']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'fpm']);
        $fpm = new Fpm((string) getenv('IPMANAGER_EXT'));
        $script = __DIR__ . '/fpm/native_call.php';
        $credentials = ['IPMANAGER_TEST_DB' => json_encode(Runtime::credentials())];
        $answers = [];
        foreach ([1, 2, 3] as $service) {
            $answer = json_decode($fpm->request($script, $credentials + ['POOL_ID' => $pool['id'], 'SERVICE_ID' => $service]), true);
            $this->assertIsArray($answer);
            $answers[] = $answer;
        }
        $this->assertTrue($answers[0]['connected']);
        $this->assertSame(['198.51.100.1', '198.51.100.2', '198.51.100.3'], array_column($answers, 'address'));
        $this->assertCount(1, array_unique(array_column($answers, 'pid')), 'one worker served every request');
        $this->assertIsInt($answers[0]['connection_id']);
        $this->assertSame(array_fill(0, 3, $answers[0]['connection_id']), array_column($answers, 'connection_id'),
            'the worker reused the connection it opened in the first request');
    }
}
