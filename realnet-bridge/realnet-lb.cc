/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * The simulation's load-balancer node on a real interface, in real time.
 *
 * \verbatim
 *   real clients --> [tap or NIC] --> ns-3 node: LoadBalancer (LbDataPlane, any policy)
 *                                        |
 *                                        +--> GRE (IP proto 47) --> real servers (DIP)
 *   real servers --> clients directly (direct server return: replies bypass the node)
 * \endverbatim
 *
 * One ns-3 node with one CheckedFdNetDevice, an IPv4 address on the real segment, and the
 * same LoadBalancer application as in the simulated testbed. Clients route the VIP to the
 * node's address; the node tunnels each flow to a server's own address. The program runs
 * under the real-time scheduler until --duration seconds have passed (or SIGINT/SIGTERM),
 * then prints its counters, one "realnet-lb NAME VALUE" line each, and writes the flow log
 * (each flow's server, start and end) for the result database.
 *
 * Example, inside the load balancer's network namespace of realnet-bridge/run-testbed.sh:
 *   marl-lb-realnet-lb --interface=mlbtap0 --address=10.200.0.2/24 --vip=10.200.1.1 \
 *       --servers=10.200.0.101,10.200.0.102 --weights=1,1 --method=sed --duration=30 \
 *       --flow-log=flows.csv
 * With a learning method (rlb-qmix, rlb-i-sac, rlb-s-sac) the node also runs one agent of the
 * method that sets the SED weights, in evaluation mode (no training); --agent-checkpoint loads a
 * trained agent, otherwise the agent starts from fresh networks. This needs a build with the
 * ns3-marl-lb-agents library (libtorch).
 * With --mode=dpdk the port is a DPDK device, named by --interface, and the EAL's arguments
 * follow "--":
 *   marl-lb-realnet-lb --mode=dpdk --interface=net_tap0 ... -- --no-huge --no-pci \
 *       --vdev=net_tap0,iface=mlbdtap0
 */

#include "emulation-helper.h"
#include "experiment.h"
#include "lb-data-plane.h"
#include "load-balancer.h"
#include "realnet-records.h"
#ifdef MARL_LB_HAVE_AGENTS
#    include "lb-agent.h"
#endif
#ifdef MARL_LB_HAVE_DPDK
#    include "dpdk-net-device.h"
#endif

#include "ns3/core-module.h"
#include "ns3/internet-module.h"

#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("RealnetLb");

namespace
{

/**
 * Splits a comma-separated list.
 * \param list the list
 * \return its items
 */
std::vector<std::string>
SplitList(const std::string& list)
{
    std::vector<std::string> items;
    std::stringstream stream(list);
    std::string item;
    while (std::getline(stream, item, ','))
    {
        if (!item.empty())
        {
            items.push_back(item);
        }
    }
    return items;
}

/// Collects the flow log from the data plane's traces.
class FlowLogger
{
  public:
    /**
     * Records a server choice.
     * \param key the flow
     * \param server the server
     * \param bySyn whether the policy chose
     */
    void Selected(const FlowKey& key, uint32_t server, bool bySyn)
    {
        FlowLogEntry flow;
        flow.clientAddress = Ipv4Address(key.sourceAddress);
        flow.clientPort = key.sourcePort;
        flow.server = server;
        flow.bySyn = bySyn;
        flow.selected = Simulator::Now();
        m_open[{key.sourceAddress, key.sourcePort}] = flow;
        (bySyn ? m_selectedBySyn : m_selectedFallback)++;
    }

    /**
     * Records the end of a flow's entry.
     * \param key the flow
     * \param server unused
     * \param duration unused
     * \param cause LbDataPlane::FlowEndCause
     */
    void Ended(const FlowKey& key, uint32_t, Time, int cause)
    {
        auto it = m_open.find({key.sourceAddress, key.sourcePort});
        if (it == m_open.end())
        {
            return;
        }
        it->second.ended = Simulator::Now();
        it->second.endCause = cause;
        m_done.push_back(it->second);
        m_open.erase(it);
        m_ended[cause]++;
    }

    /**
     * \return every flow, ended ones first, then those without an end: flows still in the
     * table, and resets of unknown flows, which the data plane forwards without an entry
     */
    std::vector<FlowLogEntry> GetFlows() const
    {
        std::vector<FlowLogEntry> flows = m_done;
        for (const auto& entry : m_open)
        {
            flows.push_back(entry.second);
        }
        return flows;
    }

    uint64_t m_selectedBySyn{0};     //!< flows whose SYN the policy dispatched
    uint64_t m_selectedFallback{0};  //!< other packets of unknown flows (consistent hash)
    std::map<int, uint64_t> m_ended; //!< flows ended, by cause
    std::map<std::pair<uint32_t, uint16_t>, FlowLogEntry> m_open; //!< flows in the table
    std::vector<FlowLogEntry> m_done;                             //!< flows that ended
};

/// Announces on stdout that the node is running, for scripts that wait for it.
void
AnnounceReady()
{
    std::cout << "realnet-lb ready" << std::endl;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string mode = "tap";
    std::string interface = "mlbtap0";
    std::string address = "10.200.0.2/24";
    std::string gateway;
    std::string vip = "10.200.1.1";
    std::string servers;
    std::string weights;
    std::string method = "sed";
    std::string mac;
    std::string flowLogPath;
    std::string agentCheckpoint;
    // EAL arguments of --mode=dpdk: whatever follows "--" on the command line, or these.
    std::vector<std::string> ealArguments =
        {"--no-huge", "--no-pci", "-m", "128", "--no-shconf", "-l", "0", "--log-level=*:error"};
    int ownArguments = argc;
    for (int i = 1; i < argc; ++i)
    {
        if (std::string(argv[i]) == "--")
        {
            ownArguments = i;
            ealArguments.assign(argv + i + 1, argv + argc);
            break;
        }
    }
    double duration = 0;
    uint32_t mtu = 1500;

    CommandLine cmd(__FILE__);
    cmd.AddValue("mode",
                 "tap (a tap device), packet (AF_PACKET socket on an interface) or dpdk (a "
                 "DPDK port)",
                 mode);
    cmd.AddValue("interface", "tap device, interface name, or DPDK port name", interface);
    cmd.AddValue("address", "the node's IPv4 address and prefix length on the segment", address);
    cmd.AddValue("gateway", "next hop for addresses off the segment (none by default)", gateway);
    cmd.AddValue("vip", "the service's virtual IP", vip);
    cmd.AddValue("servers", "comma-separated server addresses (DIP), the GRE far ends", servers);
    cmd.AddValue("weights",
                 "comma-separated static weights, one per server (1 by default)",
                 weights);
    cmd.AddValue("method", "load-balancing method, as marl-lb-testbed names them", method);
    cmd.AddValue("mac", "the node's MAC address (tap: allocated; packet: the interface's)", mac);
    cmd.AddValue("mtu", "MTU of the node's device in bytes", mtu);
    cmd.AddValue("duration", "seconds to run; required", duration);
    cmd.AddValue("flow-log", "CSV file for the flow log (none by default)", flowLogPath);
    cmd.AddValue("agent-checkpoint",
                 "checkpoint of a trained agent for an RLB method, which then only evaluates "
                 "(none by default: a freshly initialised agent, also without training)",
                 agentCheckpoint);
    cmd.Usage("The load-balancer node on a real interface. With --mode=dpdk, the DPDK EAL's "
              "arguments follow \"--\", such as -- --no-huge --no-pci --vdev=net_tap0; the "
              "default is --no-huge --no-pci -m 128 --no-shconf -l 0.");
    cmd.Parse(ownArguments, argv);

    // Configuration, checked once.
    if (!(duration > 0))
    {
        NS_FATAL_ERROR("--duration=" << duration << " must be a positive number of seconds: a "
                                     << "real-time run needs a stop time");
    }
    if (mode != "tap" && mode != "packet" && mode != "dpdk")
    {
        NS_FATAL_ERROR("--mode=" << mode << " is unknown; use tap, packet or dpdk");
    }
#ifndef MARL_LB_HAVE_DPDK
    if (mode == "dpdk")
    {
        NS_FATAL_ERROR("--mode=dpdk needs a build with libdpdk (install libdpdk-dev and "
                       "reconfigure); use tap or packet");
    }
#endif
    std::vector<std::string> serverList = SplitList(servers);
    if (serverList.empty())
    {
        NS_FATAL_ERROR("--servers is empty; give the servers' addresses, such as "
                       "--servers=10.200.0.101,10.200.0.102");
    }
    std::vector<std::string> weightList = SplitList(weights);
    if (!weightList.empty() && weightList.size() != serverList.size())
    {
        NS_FATAL_ERROR("--weights has " << weightList.size() << " entries for " << serverList.size()
                                        << " servers; give one per server");
    }
    std::size_t slash = address.find('/');
    if (slash == std::string::npos)
    {
        NS_FATAL_ERROR("--address=" << address << " needs a prefix length, such as 10.200.0.2/24");
    }
    if (mtu < 576 || mtu > 9000)
    {
        NS_FATAL_ERROR("--mtu=" << mtu << " must lie between 576 and 9000 bytes");
    }
    std::vector<MethodSpec> methods = ParseMethodList(method, "--method");
    if (methods.size() != 1)
    {
        NS_FATAL_ERROR("--method=" << method << " names " << methods.size()
                                   << " methods; the emulated node runs exactly one");
    }
    if (methods[0].busyWorkerProbe)
    {
        NS_FATAL_ERROR("--method=" << method << " probes the simulated servers' status port, "
                                   << "which real Apache servers do not have; pick another "
                                   << "method");
    }
    if (!agentCheckpoint.empty() && methods[0].agent.empty())
    {
        NS_FATAL_ERROR("--agent-checkpoint needs a learning method (rlb-qmix, rlb-i-sac or "
                       << "rlb-s-sac), but --method=" << method << " has no agent. Drop the "
                       << "option or pick one of those methods");
    }
    if (!agentCheckpoint.empty() && access(agentCheckpoint.c_str(), R_OK) != 0)
    {
        NS_FATAL_ERROR("--agent-checkpoint=" << agentCheckpoint << " is missing or not readable. "
                                             << "Give the file that marl-lb-train wrote");
    }

    // The node: real-time scheduler, checksums, a checked device on the real interface.
    EmulationHelper emulation;
    EmulationHelper::EnableRealtime();
    emulation.SetMtu(static_cast<uint16_t>(mtu));
    Ptr<Node> node = CreateObject<Node>();
    InternetStackHelper stack;
    Ipv4ListRoutingHelper list;
    Ipv4StaticRoutingHelper staticRouting;
    list.Add(staticRouting, 0);
    stack.SetRoutingHelper(list);
    stack.SetIpv6StackInstall(false);
    stack.Install(node);

    Mac48Address macAddress;
    if (!mac.empty())
    {
        macAddress = Mac48Address(mac.c_str());
    }
    else if (mode == "packet")
    {
        macAddress = EmulationHelper::GetInterfaceAddress(interface);
    }
    else
    {
        macAddress = Mac48Address::Allocate();
    }

    // The device and its receive counters, whichever kind it is.
    Ptr<FdNetDevice> device;
    std::function<uint64_t()> acceptedFrames;
    std::function<uint64_t(FrameVerdict)> droppedFrames;
    std::vector<std::pair<std::string, std::function<uint64_t()>>> deviceCounters;
    if (mode == "dpdk")
    {
#ifdef MARL_LB_HAVE_DPDK
        ealArguments.push_back("--file-prefix=marl-lb-" + std::to_string(getpid()));
        std::string error;
        if (!DpdkNetDevice::InitializeEal(ealArguments, error))
        {
            NS_FATAL_ERROR(error << "; check the EAL arguments after \"--\"");
        }
        Ptr<DpdkNetDevice> dpdk = CreateObject<DpdkNetDevice>();
        dpdk->SetAttribute("DeviceName", StringValue(interface));
        dpdk->SetAddress(macAddress);
        dpdk->SetMtu(static_cast<uint16_t>(mtu));
        node->AddDevice(dpdk);
        acceptedFrames = [dpdk]() {
            return dpdk->GetAcceptedFrames();
        };
        droppedFrames = [dpdk](FrameVerdict v) {
            return dpdk->GetDroppedFrames(v);
        };
        deviceCounters.emplace_back("port-receive-errors", [dpdk]() {
            return dpdk->GetPortReceiveErrors();
        });
        deviceCounters.emplace_back("transmit-failures", [dpdk]() {
            return dpdk->GetTransmitFailures();
        });
        device = dpdk;
#endif
    }
    else
    {
        EmulationHelper::Mode deviceMode =
            mode == "tap" ? EmulationHelper::TAP : EmulationHelper::PACKET_SOCKET;
        Ptr<CheckedFdNetDevice> checked =
            emulation.Install(node, deviceMode, interface, macAddress);
        acceptedFrames = [checked]() {
            return checked->GetAcceptedFrames();
        };
        droppedFrames = [checked](FrameVerdict v) {
            return checked->GetDroppedFrames(v);
        };
        deviceCounters.emplace_back("checksums-completed", [checked]() {
            return checked->GetCompletedChecksums();
        });
        deviceCounters.emplace_back("read-errors", [checked]() {
            return checked->GetReadErrors();
        });
        device = checked;
    }

    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    int32_t index = ipv4->AddInterface(device);
    Ipv4Address local(address.substr(0, slash).c_str());
    Ipv4Mask mask(("/" + address.substr(slash + 1)).c_str());
    ipv4->AddAddress(index, Ipv4InterfaceAddress(local, mask));
    ipv4->SetMetric(index, 1);
    ipv4->SetUp(index);
    if (!gateway.empty())
    {
        staticRouting.GetStaticRouting(ipv4)->SetDefaultRoute(Ipv4Address(gateway.c_str()), index);
    }

    // The same load balancer as in the simulated testbed.
    ObjectFactory dataPlaneFactory("ns3::LbDataPlane");
    dataPlaneFactory.Set("Policy", TypeIdValue(TypeId::LookupByName(methods[0].policy)));
    Ptr<LbDataPlane> dataPlane = dataPlaneFactory.Create<LbDataPlane>();
    Ptr<LoadBalancer> loadBalancer = CreateObject<LoadBalancer>();
    loadBalancer->SetAttribute("Vip", Ipv4AddressValue(Ipv4Address(vip.c_str())));
    loadBalancer->SetAttribute("TunnelSource", Ipv4AddressValue(local));
    loadBalancer->SetAttribute("DataPlane", PointerValue(dataPlane));
    for (std::size_t i = 0; i < serverList.size(); ++i)
    {
        double weight = weightList.empty() ? 1.0 : std::stod(weightList[i]);
        if (!(weight > 0))
        {
            NS_FATAL_ERROR("--weights entry " << i + 1 << " (" << weightList[i]
                                              << ") must be positive");
        }
        loadBalancer->AddServer(Ipv4Address(serverList[i].c_str()), weight);
    }
    node->AddApplication(loadBalancer);
    loadBalancer->SetStartTime(Seconds(0));
    loadBalancer->SetStopTime(Seconds(duration));

    // One agent of the learning method, alone in its team, that acts without training.
    // NOTE: a QMIX checkpoint stores its team size, so only one trained with one load balancer
    // loads here; the agent stops with a message for any other.
    if (!methods[0].agent.empty())
    {
#ifdef MARL_LB_HAVE_AGENTS
        ObjectFactory agentFactory(methods[0].agent);
        agentFactory.Set("EnableTraining", BooleanValue(false));
        agentFactory.Set("Checkpoint", StringValue(agentCheckpoint));
        Ptr<LbAgent> agent = agentFactory.Create<LbAgent>();
        agent->SetAttribute("LoadBalancer", PointerValue(loadBalancer));
        node->AddApplication(agent);
        agent->SetStartTime(Seconds(0));
        agent->SetStopTime(Seconds(duration));
        NS_LOG_INFO("agent " << methods[0].agent << " from checkpoint '" << agentCheckpoint
                             << "' (empty: fresh networks)");
#endif
    }

    FlowLogger logger;
    dataPlane->TraceConnectWithoutContext("ServerSelected",
                                          MakeCallback(&FlowLogger::Selected, &logger));
    dataPlane->TraceConnectWithoutContext("FlowEnded", MakeCallback(&FlowLogger::Ended, &logger));
    Simulator::Schedule(MilliSeconds(1), &AnnounceReady);

    NS_LOG_INFO("load balancer " << local << " on " << interface << " (" << mode << ", MAC "
                                 << macAddress << ") serves " << vip << " with "
                                 << serverList.size() << " servers, method " << methods[0].label);
    RealtimeLag lag = emulation.Run(Seconds(duration));

    // Counters, one per line.
    auto print = [](const std::string& name, auto value) {
        std::cout << "realnet-lb " << name << " " << value << "\n";
    };
    print("interrupted", emulation.WasInterrupted() ? 1 : 0);
    print("simulated-seconds", Simulator::Now().GetSeconds());
    print("lag-max-ms", lag.maximum.GetSeconds() * 1000);
    print("lag-mean-ms", lag.mean.GetSeconds() * 1000);
    print("lag-samples", lag.samples);
    print("frames-accepted", acceptedFrames());
    for (int v = FRAME_OK + 1; v < FRAME_VERDICT_COUNT; ++v)
    {
        print(std::string("frames-dropped-") + FrameVerdictName(static_cast<FrameVerdict>(v)),
              droppedFrames(static_cast<FrameVerdict>(v)));
    }
    for (const auto& counter : deviceCounters)
    {
        print(counter.first, counter.second());
    }
    print("packets-forwarded", loadBalancer->GetForwardedPackets());
    print("packets-dropped-not-tcp", loadBalancer->GetDroppedPackets(LoadBalancer::DROP_NOT_TCP));
    print("packets-dropped-wrong-port",
          loadBalancer->GetDroppedPackets(LoadBalancer::DROP_WRONG_PORT));
    print("flows-selected-by-syn", logger.m_selectedBySyn);
    print("flows-selected-fallback", logger.m_selectedFallback);
    print("flows-ended-rst", logger.m_ended[LbDataPlane::FLOW_END_RST]);
    print("flows-ended-fin", logger.m_ended[LbDataPlane::FLOW_END_FIN]);
    print("flows-ended-timeout", logger.m_ended[LbDataPlane::FLOW_END_TIMEOUT]);
    print("flows-in-table", dataPlane->GetFlowCount());
    std::vector<uint64_t> perServer(serverList.size(), 0);
    for (const FlowLogEntry& flow : logger.GetFlows())
    {
        perServer[flow.server] += flow.bySyn ? 1 : 0;
    }
    for (std::size_t i = 0; i < perServer.size(); ++i)
    {
        print("flows-server-" + std::to_string(i), perServer[i]);
    }
    std::cout << std::flush;

    if (!flowLogPath.empty())
    {
        std::ofstream output(flowLogPath);
        if (!output)
        {
            NS_FATAL_ERROR("cannot write the flow log to " << flowLogPath << "; check the folder");
        }
        WriteFlowLog(output, logger.GetFlows());
    }
    Simulator::Destroy();
#ifdef MARL_LB_HAVE_DPDK
    DpdkNetDevice::CleanupEal();
#endif
    return 0;
}
