/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "testbed-helper.h"

#include "flow-ecmp-routing.h"
#include "gre-l4-protocol.h"
#include "lb-agent.h"

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-list-routing-helper.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/log.h"
#include "ns3/mac48-address.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/uinteger.h"
#include "ns3/virtual-net-device.h"

#include <numeric>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TestbedHelper");

NS_OBJECT_ENSURE_REGISTERED(Testbed);

namespace
{
constexpr int16_t EDGE_ROUTING_PRIORITY = 10; //!< above static routing (0)

/**
 * Packs a flow key into two words for a map key.
 * \param key the flow
 * \return the packed key
 */
std::pair<uint64_t, uint64_t>
PackFlowKey(const FlowKey& key)
{
    return {(static_cast<uint64_t>(key.sourceAddress) << 32) | key.destinationAddress,
            (static_cast<uint64_t>(key.sourcePort) << 24)
                | (static_cast<uint64_t>(key.destinationPort) << 8) | key.protocol};
}
} // namespace

TypeId
Testbed::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Testbed").SetParent<Object>().SetGroupName("MarlLb");
    return tid;
}

void
Testbed::EnableServerSampling(Time interval, Time stop)
{
    NS_ABORT_MSG_IF(!interval.IsStrictlyPositive(),
                    "server sampling interval " << interval.As(Time::MS) << " must be positive");
    m_samplingEvent.Cancel();
    m_samplingEvent = Simulator::ScheduleNow(&Testbed::SampleServers, this, interval, stop);
}

void
Testbed::SampleServers(Time interval, Time stop)
{
    Time now = Simulator::Now();
    for (uint32_t s = 0; s < serverApps.size(); ++s)
    {
        m_serverSamples.push_back(
            {now, s, serverApps[s]->GetBusyWorkers(), serverApps[s]->GetBacklogLength()});
    }
    if (now + interval <= stop)
    {
        m_samplingEvent =
            Simulator::Schedule(interval, &Testbed::SampleServers, this, interval, stop);
    }
}

const std::vector<Testbed::ServerSample>&
Testbed::GetServerSamples() const
{
    return m_serverSamples;
}

Testbed::~Testbed() = default;

void
Testbed::DoDispose()
{
    m_samplingEvent.Cancel();
    clientApps.clear();
    loadBalancerApps.clear();
    serverApps.clear();
    probeApps.clear();
    agentApps.clear();
    greEndpoints.clear();
    edgeRouting = nullptr;
    Object::DoDispose();
}

void
Testbed::NoteServerSelected(uint32_t loadBalancer,
                            const FlowKey& key,
                            uint32_t server,
                            bool /* bySyn */)
{
    m_flowPath[PackFlowKey(key)] = {loadBalancer, server};
}

void
Testbed::NoteRequestEnded(const RequestRecord& record)
{
    FlowKey key;
    key.sourceAddress = record.clientAddress.Get();
    key.destinationAddress = vip.Get();
    key.sourcePort = record.clientPort;
    key.destinationPort = port;
    key.protocol = 6;
    auto it = m_flowPath.find(PackFlowKey(key));
    RequestRecord completed = record;
    if (it != m_flowPath.end())
    {
        m_requestPath[{record.client, record.index}] = it->second;
        completed.loadBalancer = it->second.first;
        completed.server = it->second.second;
        // The port may be reused by a later request; its SYN creates a new entry.
        m_flowPath.erase(it);
    }
    if (!m_requestEnded.IsNull())
    {
        m_requestEnded(completed);
    }
}

void
Testbed::SetRequestEndedCallback(Callback<void, const RequestRecord&> callback)
{
    m_requestEnded = callback;
}

void
Testbed::ReplayTrace(const RequestTrace& trace, Time start, Time stop)
{
    NS_ASSERT_MSG(!clientApps.empty(), "testbed has no client");
    std::vector<std::vector<TraceRequest>> shares(clientApps.size());
    const auto& requests = trace.GetRequests();
    for (std::size_t i = 0; i < requests.size(); ++i)
    {
        shares[i % shares.size()].push_back(requests[i]);
    }
    // A client stopping at its last request's own time would drop that request: the stop
    // comes at least one time step after it, so the request is sent and recorded.
    Time lastRequest = start + trace.GetDuration() + TimeStep(1);
    for (std::size_t c = 0; c < clientApps.size(); ++c)
    {
        clientApps[c]->SetTrace(RequestTrace(shares[c], trace.GetName()));
        clientApps[c]->SetStartTime(start);
        clientApps[c]->SetStopTime(std::max(stop, lastRequest));
    }
}

std::vector<RequestRecord>
Testbed::CollectRecords() const
{
    std::vector<RequestRecord> all;
    for (const auto& client : clientApps)
    {
        for (RequestRecord record : client->GetRecords())
        {
            auto it = m_requestPath.find({record.client, record.index});
            if (it != m_requestPath.end())
            {
                record.loadBalancer = it->second.first;
                record.server = it->second.second;
            }
            all.push_back(record);
        }
    }
    return all;
}

int64_t
Testbed::AssignStreams(int64_t stream)
{
    int64_t current = stream;
    for (auto& loadBalancer : loadBalancerApps)
    {
        current += loadBalancer->AssignStreams(current);
    }
    return current - stream;
}

TestbedHelper::TestbedHelper()
    : m_serverCpus{2, 2, 2, 2, 4, 4, 4},
      m_linkRate("10Gbps"),
      m_linkDelay(MicroSeconds(25)),
      m_vip("10.255.0.1")
{
    m_dataPlane.SetTypeId(LbDataPlane::GetTypeId());
    m_loadBalancer.SetTypeId(LoadBalancer::GetTypeId());
    m_server.SetTypeId(ApacheServer::GetTypeId());
    m_client.SetTypeId(HttpTraceClient::GetTypeId());
    m_edgeRouting.SetTypeId(FlowEcmpRouting::GetTypeId());
    m_busyWorkerProbe.SetTypeId(BusyWorkerProbe::GetTypeId());
    // The abstract base, so that SetAgentAttribute() accepts LbAgent's attributes before
    // SetAgent() names the concrete type.
    m_agent.SetTypeId(LbAgent::GetTypeId());
}

TestbedHelper
TestbedHelper::Moderate()
{
    return TestbedHelper();
}

TestbedHelper
TestbedHelper::Large()
{
    TestbedHelper helper;
    helper.SetLoadBalancerCount(6);
    std::vector<uint32_t> cpus(12, 4);
    cpus.insert(cpus.end(), 12, 8);
    helper.SetServerCpus(cpus);
    return helper;
}

void
TestbedHelper::SetClientCount(uint32_t count)
{
    NS_ABORT_MSG_IF(count == 0 || count > 250, "client count " << count << " is outside 1..250");
    m_clients = count;
}

void
TestbedHelper::SetLoadBalancerCount(uint32_t count)
{
    NS_ABORT_MSG_IF(count == 0 || count > 250,
                    "load balancer count " << count << " is outside 1..250");
    m_loadBalancers = count;
}

void
TestbedHelper::SetServerCpus(const std::vector<uint32_t>& cpus)
{
    NS_ABORT_MSG_IF(cpus.empty() || cpus.size() > 250,
                    "server count " << cpus.size() << " is outside 1..250");
    for (std::size_t i = 0; i < cpus.size(); ++i)
    {
        NS_ABORT_MSG_IF(cpus[i] == 0, "server " << i << " has 0 CPUs; every server needs one");
    }
    m_serverCpus = cpus;
}

const std::vector<uint32_t>&
TestbedHelper::GetServerCpus() const
{
    return m_serverCpus;
}

void
TestbedHelper::SetLinkDataRate(DataRate rate)
{
    m_linkRate = rate;
}

void
TestbedHelper::SetLinkDelay(Time delay)
{
    m_linkDelay = delay;
}

void
TestbedHelper::SetMtu(uint16_t mtu)
{
    NS_ABORT_MSG_IF(mtu < 576 || mtu > 9000, "MTU " << mtu << " is outside 576..9000 bytes");
    m_mtu = mtu;
    m_server.Set("SegmentSize", UintegerValue(mtu - 52));
    m_client.Set("SegmentSize", UintegerValue(mtu - 52));
}

void
TestbedHelper::SetVip(Ipv4Address vip)
{
    m_vip = vip;
}

void
TestbedHelper::SetEnableQueueDiscs(bool enable)
{
    m_enableQueueDiscs = enable;
}

void
TestbedHelper::SetPolicy(TypeId policy)
{
    m_dataPlane.Set("Policy", TypeIdValue(policy));
}

void
TestbedHelper::SetDataPlaneAttribute(const std::string& name, const AttributeValue& value)
{
    m_dataPlane.Set(name, value);
}

void
TestbedHelper::SetLoadBalancerAttribute(const std::string& name, const AttributeValue& value)
{
    m_loadBalancer.Set(name, value);
}

void
TestbedHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_server.Set(name, value);
}

void
TestbedHelper::SetClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_client.Set(name, value);
}

void
TestbedHelper::SetEdgeRoutingAttribute(const std::string& name, const AttributeValue& value)
{
    m_edgeRouting.Set(name, value);
}

void
TestbedHelper::SetEnableBusyWorkerProbe(bool enable)
{
    m_enableBusyWorkerProbe = enable;
}

void
TestbedHelper::SetBusyWorkerProbeAttribute(const std::string& name, const AttributeValue& value)
{
    m_busyWorkerProbe.Set(name, value);
}

void
TestbedHelper::SetAgent(TypeId agent)
{
    m_enableAgent = agent != TypeId();
    if (m_enableAgent)
    {
        if (!agent.IsChildOf(LbAgent::GetTypeId()))
        {
            NS_FATAL_ERROR(agent.GetName() << " is not a learning agent; give a subclass of "
                                              "ns3::LbAgent");
        }
        m_agent.SetTypeId(agent);
    }
}

void
TestbedHelper::SetAgentAttribute(const std::string& name, const AttributeValue& value)
{
    m_agent.Set(name, value);
}

uint32_t
TestbedHelper::GetLoadBalancerCount() const
{
    return m_loadBalancers;
}

uint32_t
TestbedHelper::GetTotalCpus() const
{
    return std::accumulate(m_serverCpus.begin(), m_serverCpus.end(), 0U);
}

Ptr<GreL4Protocol>
TestbedHelper::InstallGreEndpoint(Ptr<Node> node, Ipv4Address vip)
{
    Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>();
    NS_ABORT_MSG_IF(!ipv4,
                    "node " << node->GetId()
                            << " has no IPv4 stack; install one before the GRE endpoint");
    auto device = CreateObject<VirtualNetDevice>();
    device->SetAddress(Mac48Address::Allocate());
    device->SetNeedsArp(false);
    // Nothing is routed out of the tunnel device: the VIP is a /32 on it, and replies leave by
    // the server's own interface.
    device->SetSendCallback([](Ptr<Packet>, const Address&, const Address&, uint16_t) {
        return false;
    });
    node->AddDevice(device);
    uint32_t interface = ipv4->AddInterface(device);
    ipv4->AddAddress(interface, Ipv4InterfaceAddress(vip, Ipv4Mask("/32")));
    ipv4->SetUp(interface);

    auto gre = CreateObject<GreL4Protocol>();
    gre->SetTunnelDevice(device);
    node->AggregateObject(gre);
    ipv4->Insert(gre);
    return gre;
}

Ptr<Testbed>
TestbedHelper::Build() const
{
    auto testbed = CreateObject<Testbed>();
    testbed->vip = m_vip;
    testbed->clients.Create(m_clients);
    testbed->router.Create(1);
    testbed->loadBalancers.Create(m_loadBalancers);
    testbed->servers.Create(static_cast<uint32_t>(m_serverCpus.size()));
    Ptr<Node> router = testbed->router.Get(0);

    // Every node gets list routing, so that the router and the load balancers can add their
    // hooks above static routing.
    Ipv4StaticRoutingHelper staticRouting;
    Ipv4ListRoutingHelper listRouting;
    listRouting.Add(staticRouting, 0);
    InternetStackHelper stack;
    stack.SetRoutingHelper(listRouting);
    stack.SetIpv6StackInstall(false);
    stack.Install(testbed->clients);
    stack.Install(testbed->router);
    stack.Install(testbed->loadBalancers);
    stack.Install(testbed->servers);

    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", DataRateValue(m_linkRate));
    link.SetChannelAttribute("Delay", TimeValue(m_linkDelay));
    link.SetDeviceAttribute("Mtu", UintegerValue(m_mtu));

    // One /24 per link: 10.1.i.0 clients, 10.2.i.0 load balancers, 10.3.i.0 servers; the node
    // is .1 and the router .2.
    auto connect = [&](Ptr<Node> node, uint32_t group, uint32_t index) {
        NetDeviceContainer devices = link.Install(node, router);
        std::ostringstream network;
        network << "10." << group << "." << index << ".0";
        Ipv4AddressHelper addresses(network.str().c_str(), "255.255.255.0");
        Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
        // Assign() installs ns-3's default queue discipline; remove it unless asked to keep it.
        if (!m_enableQueueDiscs)
        {
            TrafficControlHelper::Default().Uninstall(devices);
        }
        Ptr<Ipv4StaticRouting> routes = staticRouting.GetStaticRouting(node->GetObject<Ipv4>());
        routes->SetDefaultRoute(interfaces.GetAddress(1), interfaces.Get(0).second);
        return interfaces;
    };

    for (uint32_t c = 0; c < m_clients; ++c)
    {
        connect(testbed->clients.Get(c), 1, c);
    }
    std::vector<Ipv4InterfaceContainer> loadBalancerLinks;
    for (uint32_t l = 0; l < m_loadBalancers; ++l)
    {
        loadBalancerLinks.push_back(connect(testbed->loadBalancers.Get(l), 2, l));
    }
    for (uint32_t s = 0; s < m_serverCpus.size(); ++s)
    {
        Ipv4InterfaceContainer interfaces = connect(testbed->servers.Get(s), 3, s);
        testbed->serverAddresses.push_back(interfaces.GetAddress(0));
        testbed->greEndpoints.push_back(InstallGreEndpoint(testbed->servers.Get(s), m_vip));
    }

    // The edge router: per-flow ECMP for the VIP over every load balancer.
    testbed->edgeRouting = m_edgeRouting.Create<FlowEcmpRouting>();
    Ptr<Ipv4> routerIpv4 = router->GetObject<Ipv4>();
    DynamicCast<Ipv4ListRouting>(routerIpv4->GetRoutingProtocol())
        ->AddRoutingProtocol(testbed->edgeRouting, EDGE_ROUTING_PRIORITY);
    for (const auto& interfaces : loadBalancerLinks)
    {
        testbed->edgeRouting->AddNextHop(m_vip,
                                         Ipv4Mask("/32"),
                                         interfaces.GetAddress(0),
                                         interfaces.Get(1).second);
    }

    for (uint32_t s = 0; s < m_serverCpus.size(); ++s)
    {
        auto server = m_server.Create<ApacheServer>();
        server->SetAttribute("Cpus", UintegerValue(m_serverCpus[s]));
        testbed->servers.Get(s)->AddApplication(server);
        server->SetStartTime(Seconds(0));
        testbed->serverApps.push_back(server);
    }

    for (uint32_t l = 0; l < m_loadBalancers; ++l)
    {
        auto loadBalancer = m_loadBalancer.Create<LoadBalancer>();
        loadBalancer->SetAttribute("Vip", Ipv4AddressValue(m_vip));
        loadBalancer->SetAttribute("DataPlane", PointerValue(m_dataPlane.Create<LbDataPlane>()));
        for (uint32_t s = 0; s < m_serverCpus.size(); ++s)
        {
            loadBalancer->AddServer(testbed->serverAddresses[s], m_serverCpus[s]);
        }
        testbed->loadBalancers.Get(l)->AddApplication(loadBalancer);
        loadBalancer->SetStartTime(Seconds(0));
        loadBalancer->GetDataPlane()->TraceConnectWithoutContext(
            "ServerSelected",
            MakeCallback(&Testbed::NoteServerSelected, PeekPointer(testbed)).Bind(l));
        testbed->loadBalancerApps.push_back(loadBalancer);

        if (m_enableBusyWorkerProbe)
        {
            auto probe = m_busyWorkerProbe.Create<BusyWorkerProbe>();
            probe->SetAttribute("LoadBalancer", PointerValue(loadBalancer));
            testbed->loadBalancers.Get(l)->AddApplication(probe);
            probe->SetStartTime(Seconds(0));
            testbed->probeApps.push_back(probe);
        }
    }

    // One agent per load balancer, in one team whose master is the agent of load balancer 0,
    // reachable at that node's link address.
    if (m_enableAgent)
    {
        for (uint32_t l = 0; l < m_loadBalancers; ++l)
        {
            auto agent = m_agent.Create<LbAgent>();
            agent->SetAttribute("LoadBalancer", PointerValue(testbed->loadBalancerApps[l]));
            testbed->loadBalancers.Get(l)->AddApplication(agent);
            agent->SetStartTime(Seconds(0));
            testbed->agentApps.push_back(agent);
        }
        for (uint32_t l = 0; l < m_loadBalancers; ++l)
        {
            testbed->agentApps[l]->SetTeam(l,
                                           m_loadBalancers,
                                           testbed->agentApps[0],
                                           loadBalancerLinks[0].GetAddress(0));
        }
    }

    for (uint32_t c = 0; c < m_clients; ++c)
    {
        auto client = m_client.Create<HttpTraceClient>();
        client->SetAttribute("RemoteAddress", Ipv4AddressValue(m_vip));
        testbed->clients.Get(c)->AddApplication(client);
        client->TraceConnectWithoutContext(
            "RequestEnded",
            MakeCallback(&Testbed::NoteRequestEnded, PeekPointer(testbed)));
        testbed->clientApps.push_back(client);
    }
    NS_LOG_INFO("testbed built: " << m_clients << " clients, " << m_loadBalancers
                                  << " load balancers, " << m_serverCpus.size() << " servers with "
                                  << GetTotalCpus() << " CPUs");
    return testbed;
}

} // namespace ns3
