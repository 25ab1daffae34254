#!/usr/bin/env bash
# Runs the marl-lb load-balancer node in front of real Apache servers, on this machine, in
# network namespaces that this script creates and always removes.
#
#   client ns            LB ns                               server ns i (i = 0 .. n-1)
#   10.200.0.10  --veth-- br0 --veth-----------------------  10.200.0.10(1+i), VIP on lo
#   VIP via .2            |                                    GRE endpoint -> Apache :80
#                         +-- mlbtap0 -- ns-3 LB node 10.200.0.2 (marl-lb-realnet-lb)
#
# Clients send to the VIP (10.200.1.1) through the ns-3 node, which tunnels each flow in GRE
# to one server. Servers reply to the client directly over the bridge (direct server return).
# The servers' GRE endpoint is the kernel's when `ip link add ... type gre` works, and the
# user-space marl-lb-gre-endpoint otherwise. Every address lies in 10.200.0.0/16, inside the
# namespaces made here; nothing is sent anywhere else.
#
# Usage: realnet-bridge/run-testbed.sh [options]
#   --build-dir DIR    where the marl-lb programs are built (default: ./build)
#   --method NAME      load-balancing method of the node (default: sed)
#   --trace FILE       request trace (default: data/traces/poisson-for-loop-rate-400.csv)
#   --duration S       seconds of the scaled trace to replay (default: 20)
#   --time-scale F     factor on the trace's times (default: 6: the default trace's first 3.3 s,
#                      which ramp up to 390 requests/s, become 20 s at about 19 requests/s)
#   --work-scale F     factor on the PHP loop counts (default: 0.05)
#   --servers N        number of server namespaces, at least 2 (default: 2)
#   --gre MODE         auto, kernel or user (default: auto)
#   --lb-device KIND   tap (a tap device in the bridge), packet (an AF_PACKET socket on a
#                      veth in the bridge, as on a real NIC) or dpdk (DpdkNetDevice on DPDK's
#                      tap driver, net_tap0, whose tap joins the bridge) (default: tap)
#   --db FILE          SQLite result database to append both runs to (default: a temporary file)
#   --keep-dir DIR     copy logs, records and the flow log there before cleaning up
#   --check            also run the tests (full-size responses, malformed frames) and verify
#                      every result; exit 1 on a failed check
# Exits 77, after saying why, when this machine cannot run the testbed (not root, no network
# namespaces, no TUN device, no apache2 or PHP module): CTest reports that as skipped.
set -euo pipefail

readonly SKIP=77
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

build_dir=$repo/build
method="sed"
trace=$repo/data/traces/poisson-for-loop-rate-400.csv
duration=20
time_scale=6
work_scale=0.05
servers=2
gre_mode=auto
lb_device=tap
db=""
keep_dir=""
check=0

while (($# > 0)); do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --method) method=$2; shift 2 ;;
    --trace) trace=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --time-scale) time_scale=$2; shift 2 ;;
    --work-scale) work_scale=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --gre) gre_mode=$2; shift 2 ;;
    --lb-device) lb_device=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --keep-dir) keep_dir=$2; shift 2 ;;
    --check) check=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-testbed: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
done

if ! [[ $servers =~ ^[0-9]+$ ]] || ((servers < 2 || servers > 8)); then
  echo "run-testbed: --servers=$servers must be a number from 2 to 8" >&2
  exit 2
fi
case $lb_device in tap | packet | dpdk) ;; *)
  echo "run-testbed: --lb-device=$lb_device is unknown; use tap, packet or dpdk" >&2
  exit 2
  ;;
esac
case $gre_mode in auto | kernel | user) ;; *)
  echo "run-testbed: --gre=$gre_mode is unknown; use auto, kernel or user" >&2
  exit 2
  ;;
esac

# ---- addresses and sizes --------------------------------------------------------------------
readonly vip=10.200.1.1
readonly lb_address=10.200.0.2
readonly client_address=10.200.0.10
readonly subnet=10.200.0.0/24
readonly mtu=1500
# GRE adds a 20-byte outer IPv4 header and a 4-byte GRE header to every client packet, so the
# servers advertise an MSS that keeps a full client segment plus 24 bytes within the MTU.
readonly gre_overhead=24
readonly advmss=$((mtu - gre_overhead - 40))
server_address() { echo "10.200.0.$((101 + $1))"; }

# ---- what this machine must offer -----------------------------------------------------------
skip() {
  echo "run-testbed: SKIPPED: $*"
  exit "$SKIP"
}
[[ $(id -u) -eq 0 ]] || skip "needs root to create network namespaces (running as uid $(id -u))"
command -v ip >/dev/null || skip "the ip command (iproute2) is not installed"
command -v apache2 >/dev/null || skip "apache2 is not installed (scripts/setup.sh installs it)"
php_module=$(compgen -G '/usr/lib/apache2/modules/libphp*.so' | head -n 1 || true)
[[ -n $php_module ]] || skip "libapache2-mod-php is not installed (scripts/setup.sh installs it)"
[[ -c /dev/net/tun ]] || skip "/dev/net/tun is missing; load the tun module"
getent passwd www-data >/dev/null || skip "the www-data user that Apache runs as is missing"
command -v curl >/dev/null || skip "curl is not installed"
for program in marl-lb-realnet-lb marl-lb-realnet-replayer marl-lb-realnet-compare \
  marl-lb-gre-endpoint marl-lb-frame-injector; do
  if [[ ! -x $build_dir/$program ]]; then
    echo "run-testbed: $build_dir/$program is missing; build first or pass --build-dir" >&2
    exit 1
  fi
done
[[ -r $trace ]] || { echo "run-testbed: cannot read trace $trace; check --trace" >&2; exit 1; }

# ---- everything created is recorded here and removed by cleanup -----------------------------
tag="mlb$$"
ns_lb=$tag-lb
ns_client=$tag-client
ns_servers=()
for ((i = 0; i < servers; i++)); do ns_servers+=("$tag-srv$i"); done
created_namespaces=()
started_pids=()
lb_pid=""
gre_pids=()
apache_pid_files=()
tmp=$(mktemp -d /tmp/marl-lb-realnet.XXXXXX)
chmod 755 "$tmp" # Apache's workers (www-data) read the page below it

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  local pid_file pid namespace

  # Apache first (its parent's pid is in its pid file), then every program started here.
  for pid_file in "${apache_pid_files[@]}"; do
    if [[ -s $pid_file ]]; then
      pid=$(cat "$pid_file")
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done

  for pid in "${started_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${started_pids[@]}"; do
    wait "$pid" 2>/dev/null
  done

  # Whatever still runs inside a namespace made here was started here.
  for namespace in "${created_namespaces[@]}"; do
    for pid in $(ip netns pids "$namespace" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
  done

  # Deleting a namespace deletes its bridge, veths, tap and TUN devices.
  # A DPDK node that stopped abnormally leaves its EAL runtime folder, named after its pid.
  if [[ -n $lb_pid && -d /var/run/dpdk/marl-lb-$lb_pid ]]; then
    rm -rf "/var/run/dpdk/marl-lb-$lb_pid"
  fi
  for namespace in "${created_namespaces[@]}"; do
    ip netns delete "$namespace" 2>/dev/null ||
      echo "run-testbed: could not delete network namespace $namespace" >&2
  done

  if [[ -n $keep_dir ]]; then
    mkdir -p "$keep_dir" && cp -r "$tmp"/. "$keep_dir"/ &&
      echo "run-testbed: logs and records kept in $keep_dir"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_ns() {
  local namespace=$1
  shift
  ip netns exec "$namespace" "$@"
}

add_namespace() {
  local error
  if ! error=$(ip netns add "$1" 2>&1); then
    skip "cannot create network namespace $1: $error"
  fi
  created_namespaces+=("$1")
  ip -n "$1" link set lo up
  # IPv6 stays off: the node is IPv4 only, and router solicitations would only add noise.
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

failures=0
verify() {
  # verify DESCRIPTION COMMAND...: runs the command and reports PASS or FAIL.
  local what=$1
  shift
  if "$@"; then
    echo "run-testbed: PASS: $what"
  else
    echo "run-testbed: FAIL: $what"
    failures=$((failures + 1))
  fi
}

# ---- namespaces, the bridge and the tap ------------------------------------------------------
echo "run-testbed: building namespaces $tag-* (client, lb, ${servers} servers)"
add_namespace "$ns_lb"
add_namespace "$ns_client"
for namespace in "${ns_servers[@]}"; do add_namespace "$namespace"; done

# A kernel without bridge or veth support cannot hold this testbed either.
if ! error=$(ip -n "$ns_lb" link add br0 type bridge 2>&1); then
  skip "cannot create a bridge in a namespace: $error"
fi
if ! error=$(ip -n "$ns_lb" link add probe0 type veth peer name probe1 2>&1); then
  skip "cannot create a veth pair in a namespace: $error"
fi
ip -n "$ns_lb" link delete probe0
ip -n "$ns_lb" link set br0 mtu "$mtu" up
if [[ $lb_device == tap ]]; then
  # The node reads and writes the tap; test frames are sent on the tap itself.
  ip -n "$ns_lb" tuntap add dev mlbtap0 mode tap
  ip -n "$ns_lb" link set mlbtap0 mtu "$mtu" master br0 up
  lb_interface=mlbtap0
  lb_arguments=(--mode=tap --interface=mlbtap0)
  eal_arguments=()
  inject_interfaces=(mlbtap0)
elif [[ $lb_device == dpdk ]]; then
  # DPDK's tap driver creates mlbdtap0 when the node starts; it joins the bridge then.
  lb_interface=mlbdtap0
  lb_arguments=(--mode=dpdk --interface=net_tap0)
  eal_arguments=(-- --no-huge --no-pci -m 128 --no-shconf -l 0 --log-level=*:error
    "--vdev=net_tap0,iface=mlbdtap0")
  inject_interfaces=(mlbdtap0)
else
  # The node reads a packet socket on lbnode0, whose peer is a bridge port, like a NIC cabled
  # to a switch. Test frames enter from the switch side.
  ip -n "$ns_lb" link add lbport0 mtu "$mtu" type veth peer name lbnode0
  ip -n "$ns_lb" link set lbport0 master br0 up
  ip -n "$ns_lb" link set lbnode0 up
  lb_interface=lbnode0
  lb_arguments=(--mode=packet --interface=lbnode0)
  eal_arguments=()
  inject_interfaces=(lbport0 lbnode0)
fi

ip -n "$ns_lb" link add client0 mtu "$mtu" type veth peer name eth0 netns "$ns_client"
ip -n "$ns_lb" link set client0 master br0 up
ip -n "$ns_client" addr add "$client_address/24" dev eth0
ip -n "$ns_client" link set eth0 up
ip -n "$ns_client" route add "$vip/32" via "$lb_address" dev eth0
# veth passes whole TSO bursts across namespaces, but a packet socket must read one segment
# per frame, as on a wire. This line does what `ethtool -K eth0 tso off` would do.
ip -n "$ns_client" link set eth0 gso_max_segs 1

# ---- servers: VIP on loopback, GRE endpoint, Apache ------------------------------------------
kernel_gre=0
if [[ $gre_mode != user ]]; then
  if ip -n "${ns_servers[0]}" link add mlbgre0 type gre local "$(server_address 0)" 2>/dev/null; then
    kernel_gre=1
    ip -n "${ns_servers[0]}" link delete mlbgre0
  elif [[ $gre_mode == kernel ]]; then
    echo "run-testbed: --gre=kernel, but this kernel cannot create GRE devices" >&2
    exit 1
  fi
fi
echo "run-testbed: GRE endpoints: $( ((kernel_gre)) && echo kernel || echo user-space)"

cp -r "$here/www" "$tmp/www"
chmod -R a+rX "$tmp/www"
server_list=""
weight_list=""
for ((i = 0; i < servers; i++)); do
  namespace=${ns_servers[$i]}
  address=$(server_address "$i")
  ip -n "$ns_lb" link add "server$i" mtu "$mtu" type veth peer name eth0 netns "$namespace"
  ip -n "$ns_lb" link set "server$i" master br0 up
  ip -n "$namespace" addr add "$address/24" dev eth0
  ip -n "$namespace" link set eth0 up
  ip -n "$namespace" addr add "$vip/32" dev lo
  # Replies leave from the VIP straight to the client, with the MSS clamp of the GRE path.
  ip -n "$namespace" route replace "$subnet" dev eth0 proto kernel scope link src "$address" \
    advmss "$advmss"
  # The study's setting: a full accept queue replies with RST. Decapsulated packets arrive on the
  # GRE device with the client's source, which strict reverse-path filtering would drop. The
  # VIP on loopback must not be announced in ARP (the usual direct-server-return settings).
  in_ns "$namespace" sysctl -qw net.ipv4.tcp_abort_on_overflow=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2

  if ((kernel_gre)); then
    ip -n "$namespace" link add mlbgre0 type gre local "$address"
    ip -n "$namespace" link set mlbgre0 up
  else
    ip -n "$namespace" tuntap add dev mlbgre0 mode tun
    ip -n "$namespace" link set mlbgre0 mtu $((mtu - gre_overhead)) up
    # Started without in_ns, so that $! is the endpoint itself (ip netns exec execs it).
    ip netns exec "$namespace" "$build_dir/marl-lb-gre-endpoint" --tun=mlbgre0 >"$tmp/gre-endpoint$i.log" 2>&1 &
    started_pids+=($!)
    gre_pids+=($!)
  fi
  in_ns "$namespace" sysctl -qw net.ipv4.conf.mlbgre0.rp_filter=0

  # One Apache per server: mpm_prefork, 32 workers, backlog 128, own config, pid file, logs.
  dir=$tmp/apache$i
  mkdir -p "$dir/run" "$dir/lock" "$dir/log"
  cat >"$dir/apache2.conf" <<EOF
# Apache of server $i of the marl-lb real testbed (generated by run-testbed.sh).
ServerRoot "$dir"
ServerName server$i.testbed
PidFile \${APACHE_PID_FILE}
DefaultRuntimeDir \${APACHE_RUN_DIR}
Mutex file:\${APACHE_LOCK_DIR} default
User \${APACHE_RUN_USER}
Group \${APACHE_RUN_GROUP}
ErrorLog \${APACHE_LOG_DIR}/error.log
LogLevel warn
Listen 80
ListenBacklog 128
KeepAlive Off
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule php_module $php_module
StartServers 8
MinSpareServers 4
MaxSpareServers 32
ServerLimit 32
MaxRequestWorkers 32
MaxConnectionsPerChild 0
DocumentRoot "$tmp/www"
<Directory "$tmp/www">
    Require all granted
</Directory>
<FilesMatch "\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>
EOF
  apache_pid_files+=("$dir/apache2.pid")
  in_ns "$namespace" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    APACHE_RUN_USER=www-data APACHE_RUN_GROUP=www-data APACHE_PID_FILE="$dir/apache2.pid" \
    APACHE_RUN_DIR="$dir/run" APACHE_LOCK_DIR="$dir/lock" APACHE_LOG_DIR="$dir/log" \
    apache2 -f "$dir/apache2.conf" -k start
  server_list+="${server_list:+,}$address"
  weight_list+="${weight_list:+,}1"
done

# Wait for every Apache to respond on its own loopback, then measure PHP's cost per iteration.
for ((i = 0; i < servers; i++)); do
  ready=0
  for _ in $(seq 100); do
    if in_ns "${ns_servers[$i]}" curl -sf -o /dev/null "http://127.0.0.1/dummy.php/?n=4000"; then
      ready=1
      break
    fi
    sleep 0.1
  done
  if ((!ready)); then
    echo "run-testbed: Apache of server $i does not respond on 127.0.0.1:80 after 10 s; its error log:" >&2
    cat "$tmp/apache$i/log/error.log" >&2 || true
    exit 1
  fi
done
calibration_n=20000000
best=""
for _ in 1 2 3; do
  seconds=$(in_ns "${ns_servers[0]}" curl -sf -o /dev/null -w '%{time_total}' \
    "http://127.0.0.1/dummy.php/?n=$calibration_n")
  best=$(awk -v a="$seconds" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
done
iteration_cost=$(awk -v s="$best" -v n="$calibration_n" 'BEGIN { printf "%.3f", s * 1e9 / n }')
echo "run-testbed: PHP for-loop cost ${iteration_cost} ns per iteration (n=$calibration_n)"

# ---- the ns-3 load balancer ------------------------------------------------------------------
# It runs until SIGTERM below; the stop time it needs is only a bound.
lb_bound=$(awk -v d="$duration" 'BEGIN { printf "%d", d + 300 }')
ip netns exec "$ns_lb" "$build_dir/marl-lb-realnet-lb" "${lb_arguments[@]}" \
  --address="$lb_address/24" --vip="$vip" --servers="$server_list" --weights="$weight_list" \
  --method="$method" --mtu="$mtu" --duration="$lb_bound" --flow-log="$tmp/flows.csv" \
  "${eal_arguments[@]}" >"$tmp/lb.log" 2>&1 &
lb_pid=$!
started_pids+=("$lb_pid")
for _ in $(seq 100); do
  grep -q "realnet-lb ready" "$tmp/lb.log" && break
  kill -0 "$lb_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "realnet-lb ready" "$tmp/lb.log"; then
  echo "run-testbed: the load balancer did not start; its log:" >&2
  cat "$tmp/lb.log" >&2
  exit 1
fi
if [[ $lb_device == dpdk ]]; then
  ip -n "$ns_lb" link set mlbdtap0 mtu "$mtu" master br0 up
fi
echo "run-testbed: load balancer $lb_address up on $lb_interface ($lb_device; $method, servers $server_list)"

# ---- checks before the replay: full-size responses and uploads cross the path ----------------
extra_requests=0
if ((check)); then
  full_n=40000000
  in_ns "$ns_client" curl -sf --max-time 20 -o "$tmp/full.body" "http://$vip/dummy.php/?n=$full_n" ||
    true
  awk -v n="$full_n" 'BEGIN { for (i = 4000; i <= n; i += 4000) printf "%d\\n", i }' >"$tmp/full.expected"
  verify "a $(stat -c %s "$tmp/full.expected")-byte response arrives byte for byte through the LB" \
    cmp -s "$tmp/full.body" "$tmp/full.expected"
  head -c 262144 /dev/urandom >"$tmp/upload.bin"
  upload_status=$(in_ns "$ns_client" curl -s --max-time 20 -o /dev/null -w '%{http_code}' \
    --data-binary @"$tmp/upload.bin" "http://$vip/dummy.php/?n=4000" || true)
  verify "a 256 KiB upload crosses the GRE path in full-size segments (HTTP $upload_status)" \
    test "$upload_status" = 200
  extra_requests=2
fi

# ---- the replay, with malformed frames written to the LB's tap in the middle ------------------
declare -A injected=([garbage]=5 [truncated-ipv4]=5 [truncated-tcp]=5 [bad-arp]=5 [oversized]=3)
inject_frames() {
  sleep 5
  local kind
  local kind interface
  for kind in garbage truncated-ipv4 truncated-tcp bad-arp; do
    in_ns "$ns_lb" "$build_dir/marl-lb-frame-injector" --interface="${inject_interfaces[0]}" \
      --kind="$kind" --count="${injected[$kind]}"
  done
  # A frame longer than the node's MTU can only be sent with a larger MTU on the way.
  for interface in "${inject_interfaces[@]}"; do ip -n "$ns_lb" link set "$interface" mtu 9000; done
  in_ns "$ns_lb" "$build_dir/marl-lb-frame-injector" --interface="${inject_interfaces[0]}" \
    --kind=oversized --size=4000 --count="${injected[oversized]}"
  for interface in "${inject_interfaces[@]}"; do ip -n "$ns_lb" link set "$interface" mtu "$mtu"; done
}
if ((check)); then
  inject_frames >"$tmp/injector.log" 2>&1 &
  injector_pid=$!
  started_pids+=("$injector_pid")
fi

echo "run-testbed: replaying $duration s of $(basename "$trace") (times x$time_scale, work x$work_scale)"
in_ns "$ns_client" "$build_dir/marl-lb-realnet-replayer" --trace="$trace" --vip="$vip" \
  --time-scale="$time_scale" --work-scale="$work_scale" --duration="$duration" --timeout=20 \
  --out="$tmp/requests.csv" | tee "$tmp/replayer.log"
if ((check)); then
  wait "$injector_pid" || true
  cat "$tmp/injector.log"
fi

# ---- stop the node and the GRE endpoints, collect their counters -----------------------------
kill -TERM "$lb_pid"
lb_status=0
wait "$lb_pid" || lb_status=$?
((lb_status == 0)) || { echo "run-testbed: the load balancer failed (exit status $lb_status); its log:" >&2; cat "$tmp/lb.log" >&2; exit 1; }
grep '^realnet-lb ' "$tmp/lb.log" | grep -v ready
if ((!kernel_gre)); then
  for pid in "${gre_pids[@]}"; do
    kill -TERM "$pid"
    wait "$pid" || true
  done
  for ((i = 0; i < servers; i++)); do sed "s/^/server$i /" "$tmp/gre-endpoint$i.log"; done
fi
counter() { awk -v k="$1" '$1 == "realnet-lb" && $2 == k { print $3 }' "$tmp/lb.log"; }
replayer() { awk -v k="$1" '$1 == "replayer" && $2 == k { print $3 }' "$tmp/replayer.log"; }

# ---- both runs into the result database, and the comparison -----------------------------------
[[ -n $db ]] || db=$tmp/results.db
server_cpus=$(printf '1%.0s,' $(seq "$servers"))
"$build_dir/marl-lb-realnet-compare" --trace="$trace" --time-scale="$time_scale" \
  --work-scale="$work_scale" --duration="$duration" --requests="$tmp/requests.csv" \
  --flows="$tmp/flows.csv" --db="$db" --method="$method" --server-cpus="${server_cpus%,}" \
  --iteration-cost="$iteration_cost" \
  --notes="lag_max_ms=$(counter lag-max-ms),lag_mean_ms=$(counter lag-mean-ms),gre=$( ((kernel_gre)) && echo kernel || echo user)" |
  tee "$tmp/compare.log"

if ((!check)); then
  exit 0
fi

# ---- the checks --------------------------------------------------------------------------------
requests=$(replayer requests)
verify "the replay sent requests ($requests)" test "${requests:-0}" -gt 0
verify "every request was answered by Apache with 200 ($(replayer completed) of $requests)" \
  test "$(replayer completed)" = "$requests"
for ((i = 0; i < servers; i++)); do
  verify "server $i took flows ($(counter "flows-server-$i"))" test "$(counter "flows-server-$i")" -gt 0
done
flows=$((requests + extra_requests))
verify "the flow table saw every flow start ($(counter flows-selected-by-syn) SYNs = $requests + $extra_requests)" \
  test "$(counter flows-selected-by-syn)" -eq "$flows"
ended=$(($(counter flows-ended-rst) + $(counter flows-ended-fin)))
verify "the flow table saw every flow end by RST or FIN ($ended = $flows)" test "$ended" -eq "$flows"
verify "no entry was left in the flow table ($(counter flows-in-table))" test "$(counter flows-in-table)" -eq 0
# Each request's flow, by client port, must have a server and an end (rst or fin) in the log.
unmatched=$(awk -F, 'NR == FNR { if (FNR > 1 && $4 == 1 && ($7 == "rst" || $7 == "fin")) ended[$2] = 1; next }
  FNR > 1 && !($4 in ended) { n++ } END { print n + 0 }' "$tmp/flows.csv" "$tmp/requests.csv")
verify "every request's flow started and ended in the flow log ($unmatched missing)" test "$unmatched" -eq 0
emulated_run=$(awk '$2 == "database" { print $5 }' "$tmp/compare.log")
rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM requests WHERE run_id = ${emulated_run:-0} AND server IS NOT NULL AND load_balancer = 0")
verify "the emulated run's $requests requests are stored with their server ($rows rows)" \
  test "${rows:-0}" -eq "$requests"
for kind in garbage truncated-ipv4 truncated-tcp bad-arp oversized; do
  case $kind in
    garbage) name=bad-ipv4 ;; truncated-ipv4) name=truncated-ipv4 ;;
    truncated-tcp) name=bad-transport ;; bad-arp) name=bad-arp ;; oversized) name=oversized ;;
  esac
  dropped=$(counter "frames-dropped-$name")
  if [[ $kind == oversized && $lb_device == dpdk ]]; then
    # DPDK's tap driver drops frames that do not fit its 2 KiB mbufs before the node reads them.
    dropped=$((dropped + $(counter port-receive-errors)))
  fi
  verify "the ${injected[$kind]} $kind frames were counted and dropped ($dropped)" \
    test "$dropped" -eq "${injected[$kind]}"
done
for ((i = 0; i < servers; i++)); do
  # ReasmReqds: field 15 of the second "Ip:" line, counted in the server's own namespace.
  # shellcheck disable=SC2016
  fragments=$(in_ns "${ns_servers[$i]}" awk '$1 == "Ip:" && ++n == 2 { print $15 }' /proc/net/snmp)
  verify "server $i reassembled no fragments (ReasmReqds $fragments)" test "$fragments" -eq 0
  if ((!kernel_gre)); then
    largest=$(awk '$2 == "largest-datagram" { print $3 }' "$tmp/gre-endpoint$i.log")
    verify "server $i's GRE datagrams fit the MTU (largest ${largest:-none} <= $mtu)" \
      test "${largest:-99999}" -le "$mtu"
  fi
done
echo "run-testbed: scheduler lag: max $(counter lag-max-ms) ms, mean $(counter lag-mean-ms) ms"
if ((failures > 0)); then
  echo "run-testbed: $failures checks failed"
  exit 1
fi
echo "run-testbed: all checks passed"
