<?php

use Browser\Servers;

/**
 * Export/Import as an admin uses it: the export downloads (fetched with the browser's own
 * session and CSRF token, as the click sends it), a file with a refused line is previewed
 * with the line and cannot be applied, a good file is previewed and applied after a
 * question, and what it added is in IP Manager.
 */
final class TransferTest extends BrowserTestCase
{
    public function testExportThenPreviewAndApplyAnImport(): void
    {
        $this->natives();
        $subnet = ipmanager_subnet_create(['cidr' => '198.18.20.0/24', 'name' => 'Export me']);
        $pool = ipmanager_pool_create(['subnet_id' => $subnet['id'], 'name' => 'Exported pool', 'range' => '198.18.20.10-198.18.20.99']);
        ipmanager_allocate(['pool_id' => $pool['id'], 'service_id' => $this->ids['service_demo_vps'], 'count' => 2]);
        $this->loginAdmin();
        $this->visit('transfer');
        $this->assertStringContainsString('198.18.20.0/24 Export me', $this->el('#ipm-export-subnet')->text());

        // The download, as the form posts it.
        $token = $this->el('#ipm-export [name=token]')->property('value');
        $context = stream_context_create(['http' => ['method' => 'POST', 'ignore_errors' => true,
            'header' => "Content-Type: application/x-www-form-urlencoded\r\nCookie: " . $this->browser->cookieHeader(),
            'content' => http_build_query(['token' => $token, 'do' => 'export', 'what' => 'all', 'subnet_id' => '', 'format' => 'csv'])]]);
        $csv = file_get_contents(Servers::$base . '/admin/addonmodules.php?module=ipmanager&action=transfer', false, $context);
        $headers = implode("\n", $http_response_header);
        $this->assertMatchesRegularExpression('/Content-Disposition: attachment; filename="ipmanager-\d{8}-\d{6}\.csv"/', $headers);
        $this->assertStringStartsWith('record,cidr,name', $csv);
        $this->assertStringContainsString('assignment,,,,,,,,,,,,,,,,198.18.20.0/24,,,198.18.20.10,' . $this->ids['service_demo_vps'] . ',Exported pool', $csv);
        $this->assertStringNotContainsString('<html', $csv, 'the file alone, not the page around it');

        $dir = dirname(__DIR__, 2) . '/var/uploads';
        if (!is_dir($dir)) {
            mkdir($dir, 0775, true);
        }
        $columns = count(str_getcsv(strtok($csv, "\n")));
        $row = function (array $cells) use ($columns): string {
            $out = array_fill(0, $columns, '');
            foreach ($cells as $i => $v) {
                $out[$i] = $v;
            }
            return implode(',', $out);
        };
        $header = strtok($csv, "\n");
        $added = $row([0 => 'subnet', 1 => '198.18.21.0/24', 2 => 'Imported', 9 => '1']);
        $bad = $row([0 => 'assignment', 16 => '198.18.21.0/24', 19 => '198.18.99.1', 20 => (string) $this->ids['service_demo_vps']]);
        $good = $row([0 => 'assignment', 16 => '198.18.21.0/24', 19 => '198.18.21.5', 20 => (string) $this->ids['service_demo_vps']]);
        file_put_contents("$dir/bad.csv", "$header\n$added\n$bad\n");
        file_put_contents("$dir/good.csv", "$header\n$added\n$good\n");

        $this->el('#ipm-import-file')->type("$dir/bad.csv");
        $this->clickAndWait('#ipm-import-preview');
        $this->assertSame('1 line(s) would be added, 0 are already there, 1 refused.', trim($this->el('#ipm-import-counts')->text()));
        $refused = $this->el('.ipm-import-refused tr[data-line="3"]')->text();
        $this->assertStringContainsString('outside its subnet 198.18.21.0/24', $refused);
        $this->assertFalse($this->browser->has('#ipm-import-apply'), 'a file with a refused line cannot be applied');
        $this->shot('transfer-refused');

        $this->el('#ipm-import-file')->type("$dir/good.csv");
        $this->clickAndWait('#ipm-import-preview');
        $this->assertSame('2 line(s) would be added, 0 are already there, 0 refused.', trim($this->el('#ipm-import-counts')->text()));
        $this->assertSame([], array_values(array_filter(ipmanager_subnet_list(), fn ($s) => $s['cidr'] === '198.18.21.0/24')), 'the preview kept nothing');
        $question = $this->clickConfirmed('#ipm-import-apply');
        $this->assertStringContainsString('Import every line', $question);
        $this->assertSame(['Imported good.csv: 2 line(s) added, 0 already there.'], $this->messages());
        $this->assertSame('assigned', ipmanager_address_list(['search' => '198.18.21.5'])['items'][0]['state']);
        $this->shot('transfer-applied');
    }
}
