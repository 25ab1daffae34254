<?php
// The PHP for-loop page of the marl-lb real testbed: /dummy.php/?n=<iterations>.
//
// It loops n times and, every 4000 iterations, prints the loop counter followed by the two
// characters backslash and n (single quotes: not a newline), so CPU time grows with n and the
// body has sum over k = 1 .. floor(n / 4000) of (digits(4000 k) + 2) bytes, the size the
// simulated server (ns3::ApacheServer) sends.
header('Content-Type: text/plain');
$n = isset($_GET['n']) ? intval($_GET['n']) : 0;
if ($n < 0) {
    http_response_code(400);
    exit;
}
for ($i = 1; $i <= $n; $i++) {
    if ($i % 4000 == 0) {
        echo $i, '\n';
    }
}
