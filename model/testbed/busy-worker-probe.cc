/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "busy-worker-probe.h"

#include "lb-data-plane.h"
#include "load-balancer.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BusyWorkerProbe");

NS_OBJECT_ENSURE_REGISTERED(BusyWorkerProbe);

namespace
{
/// The line that the probe sends; the server ignores its content.
const std::string PROBE_LINE = "busy?\n";
/// Prefix of a reply line, followed by the busy-worker count in decimal.
const std::string REPLY_PREFIX = "busy=";
/// Longest reply line accepted, in bytes: the prefix and a 32-bit count with room to spare.
constexpr std::size_t MAX_REPLY_BYTES = 64;
/// Largest read from a connection at once, in bytes.
constexpr uint32_t READ_BYTES = 4096;

/**
 * Removes the probe's callbacks from a socket, so that it no longer calls the probe.
 * \param socket the socket
 */
void
DetachCallbacks(Ptr<Socket> socket)
{
    socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                               MakeNullCallback<void, Ptr<Socket>>());
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
}

/**
 * Parses a reply line "busy=<N>", with an optional carriage return at the end.
 * \param line the line, without its line feed
 * \param busyWorkers [out] N, when the line parses
 * \return true if the line is "busy=" followed by 1 to 10 decimal digits that fit 32 bits
 */
bool
ParseReply(std::string line, uint32_t& busyWorkers)
{
    if (!line.empty() && line.back() == '\r')
    {
        line.pop_back();
    }
    if (line.compare(0, REPLY_PREFIX.size(), REPLY_PREFIX) != 0)
    {
        return false;
    }
    std::string digits = line.substr(REPLY_PREFIX.size());
    if (digits.empty() || digits.size() > 10
        || digits.find_first_not_of("0123456789") != std::string::npos)
    {
        return false;
    }
    uint64_t value = std::stoull(digits);
    if (value > std::numeric_limits<uint32_t>::max())
    {
        return false;
    }
    busyWorkers = static_cast<uint32_t>(value);
    return true;
}
} // namespace

TypeId
BusyWorkerProbe::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::BusyWorkerProbe")
            .SetParent<Application>()
            .SetGroupName("MarlLb")
            .AddConstructor<BusyWorkerProbe>()
            .AddAttribute("LoadBalancer",
                          "The LoadBalancer application on the same node, whose data plane "
                          "gets the weights and whose pool lists the servers to poll.",
                          PointerValue(),
                          MakePointerAccessor(&BusyWorkerProbe::m_loadBalancer),
                          MakePointerChecker<LoadBalancer>())
            .AddAttribute("Interval",
                          "Period between two probes of each server, and the time that a "
                          "connection attempt may take. The default is the 250 ms step at "
                          "which the study's load balancers update their weights.",
                          TimeValue(MilliSeconds(250)),
                          MakeTimeAccessor(&BusyWorkerProbe::m_interval),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("ProbePort",
                          "The servers' TCP status port (ApacheServer's ProbePort).",
                          UintegerValue(8081),
                          MakeUintegerAccessor(&BusyWorkerProbe::m_probePort),
                          MakeUintegerChecker<uint16_t>(1))
            .AddTraceSource("BusyWorkers",
                            "A server replied with its busy-worker count; fired after its "
                            "weight is written.",
                            MakeTraceSourceAccessor(&BusyWorkerProbe::m_busyWorkersTrace),
                            "ns3::BusyWorkerProbe::BusyWorkersTracedCallback");
    return tid;
}

BusyWorkerProbe::BusyWorkerProbe()
    : m_interval(MilliSeconds(250)),
      m_probePort(8081)
{
    NS_LOG_FUNCTION(this);
}

void
BusyWorkerProbe::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_probeEvent.Cancel();
    // Dispose normally runs while the simulation is destroyed, when nothing can be sent any
    // more, so the sockets are released without closing them.
    for (auto& connection : m_connections)
    {
        if (connection.socket)
        {
            DetachCallbacks(connection.socket);
        }
    }
    m_connections.clear();
    m_loadBalancer = nullptr;
    Application::DoDispose();
}

uint64_t
BusyWorkerProbe::GetReplies() const
{
    return m_replies;
}

uint64_t
BusyWorkerProbe::GetReplies(uint32_t server) const
{
    return server < m_connections.size() ? m_connections[server].replies : 0;
}

uint64_t
BusyWorkerProbe::GetMalformedReplies() const
{
    return m_malformedReplies;
}

uint64_t
BusyWorkerProbe::GetReconnects() const
{
    return m_reconnects;
}

uint64_t
BusyWorkerProbe::GetConnectionFailures() const
{
    return m_connectionFailures;
}

void
BusyWorkerProbe::StartApplication()
{
    NS_LOG_FUNCTION(this);
    uint32_t node = GetNode()->GetId();
    if (!m_loadBalancer)
    {
        NS_FATAL_ERROR("BusyWorkerProbe on node "
                       << node
                       << " has no LoadBalancer; set its LoadBalancer attribute to the "
                          "load balancer application of the same node");
    }
    Ptr<Node> loadBalancerNode = m_loadBalancer->GetNode();
    if (loadBalancerNode != GetNode())
    {
        NS_FATAL_ERROR("BusyWorkerProbe on node "
                       << node << " points to a LoadBalancer "
                       << (loadBalancerNode ? "on node " + std::to_string(loadBalancerNode->GetId())
                                            : std::string("installed on no node"))
                       << "; install the probe on the load balancer's node");
    }
    NS_LOG_INFO("probe on node " << node << " polls " << m_loadBalancer->GetServerCount()
                                 << " servers on port " << m_probePort << " every "
                                 << m_interval.As(Time::MS));
    ProbeServers();
}

void
BusyWorkerProbe::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_probeEvent.Cancel();
    for (uint32_t server = 0; server < m_connections.size(); ++server)
    {
        CloseConnection(server);
    }
}

void
BusyWorkerProbe::ProbeServers()
{
    NS_LOG_FUNCTION(this);
    uint32_t count = m_loadBalancer->GetServerCount();
    if (m_connections.size() < count)
    {
        m_connections.resize(count);
    }
    for (uint32_t server = 0; server < count; ++server)
    {
        ServerConnection& connection = m_connections[server];
        if (connection.established)
        {
            SendProbe(server);
            continue;
        }
        connection.probeDue = true;
        if (connection.socket)
        {
            // NOTE: ns-3 3.37's TCP takes a RST+ACK in SYN_SENT for a plain ACK and ignores
            // it, so a refused connection shows only as an attempt that outlasts an Interval.
            m_connectionFailures++;
            NS_LOG_WARN("probe on node "
                        << GetNode()->GetId() << " could not connect to server " << server << " ("
                        << m_loadBalancer->GetServerAddress(server) << ":" << m_probePort
                        << ") within " << m_interval.As(Time::MS)
                        << "; reconnecting, failures so far: " << m_connectionFailures);
            CloseConnection(server);
        }
        if (connection.opened)
        {
            m_reconnects++;
            NS_LOG_LOGIC("reconnecting to server " << server);
        }
        Connect(server);
    }
    m_probeEvent = Simulator::Schedule(m_interval, &BusyWorkerProbe::ProbeServers, this);
}

void
BusyWorkerProbe::Connect(uint32_t server)
{
    NS_LOG_FUNCTION(this << server);
    ServerConnection& connection = m_connections[server];
    connection.socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    connection.established = false;
    connection.opened = true;
    connection.pending.clear();
    connection.discarding = false;

    Ptr<Socket> socket = connection.socket;
    socket->SetConnectCallback(
        MakeCallback(&BusyWorkerProbe::HandleConnected, this).Bind(server),
        MakeCallback(&BusyWorkerProbe::HandleConnectionLost, this).Bind(server));
    socket->SetRecvCallback(MakeCallback(&BusyWorkerProbe::HandleRead, this).Bind(server));
    // ns-3 reports a received RST as a normal close.
    socket->SetCloseCallbacks(
        MakeCallback(&BusyWorkerProbe::HandleConnectionLost, this).Bind(server),
        MakeCallback(&BusyWorkerProbe::HandleConnectionLost, this).Bind(server));
    socket->Bind();
    socket->Connect(InetSocketAddress(m_loadBalancer->GetServerAddress(server), m_probePort));
}

void
BusyWorkerProbe::SendProbe(uint32_t server)
{
    NS_LOG_FUNCTION(this << server);
    ServerConnection& connection = m_connections[server];
    connection.probeDue = false;
    int sent = connection.socket->Send(reinterpret_cast<const uint8_t*>(PROBE_LINE.data()),
                                       static_cast<uint32_t>(PROBE_LINE.size()),
                                       0);
    if (sent != static_cast<int>(PROBE_LINE.size()))
    {
        // Only a server that stopped reading lets the send buffer fill up.
        NS_LOG_WARN("probe on node " << GetNode()->GetId() << " could not send to server " << server
                                     << ": the connection's send buffer is full");
    }
}

void
BusyWorkerProbe::CloseConnection(uint32_t server)
{
    NS_LOG_FUNCTION(this << server);
    ServerConnection& connection = m_connections[server];
    connection.established = false;
    if (!connection.socket)
    {
        return;
    }
    Ptr<Socket> socket = connection.socket;
    connection.socket = nullptr;
    DetachCallbacks(socket);
    socket->Close();
}

void
BusyWorkerProbe::HandleConnected(uint32_t server, Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << server << socket);
    ServerConnection& connection = m_connections[server];
    if (socket != connection.socket)
    {
        return;
    }
    connection.established = true;
    NS_LOG_LOGIC("connected to server " << server);
    if (connection.probeDue)
    {
        SendProbe(server);
    }
}

void
BusyWorkerProbe::HandleConnectionLost(uint32_t server, Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << server << socket);
    ServerConnection& connection = m_connections[server];
    if (socket != connection.socket)
    {
        return;
    }
    m_connectionFailures++;
    NS_LOG_WARN("probe on node " << GetNode()->GetId() << " lost its connection to server "
                                 << server << " (" << m_loadBalancer->GetServerAddress(server)
                                 << ":" << m_probePort
                                 << "); reconnecting at the next tick, failures so far: "
                                 << m_connectionFailures);
    CloseConnection(server);
}

void
BusyWorkerProbe::HandleRead(uint32_t server, Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << server << socket);
    if (socket != m_connections[server].socket)
    {
        return;
    }
    while (socket->GetRxAvailable() > 0)
    {
        Ptr<Packet> packet = socket->Recv(std::min(socket->GetRxAvailable(), READ_BYTES), 0);
        if (!packet || packet->GetSize() == 0)
        {
            break;
        }
        std::string bytes(packet->GetSize(), '\0');
        packet->CopyData(reinterpret_cast<uint8_t*>(&bytes[0]), packet->GetSize());

        for (char byte : bytes)
        {
            ServerConnection& connection = m_connections[server];
            if (byte == '\n')
            {
                std::string line;
                line.swap(connection.pending);
                bool discarded = connection.discarding;
                connection.discarding = false;
                if (!discarded)
                {
                    HandleReply(server, line);
                }
                // A BusyWorkers trace sink may have stopped the application.
                if (socket != m_connections[server].socket)
                {
                    return;
                }
                continue;
            }
            if (connection.discarding)
            {
                continue;
            }
            connection.pending.push_back(byte);
            if (connection.pending.size() > MAX_REPLY_BYTES)
            {
                m_malformedReplies++;
                NS_LOG_WARN("server " << server << " sent a reply line longer than "
                                      << MAX_REPLY_BYTES << " bytes; ignoring it");
                connection.pending.clear();
                connection.discarding = true;
            }
        }
    }
}

void
BusyWorkerProbe::HandleReply(uint32_t server, const std::string& line)
{
    NS_LOG_FUNCTION(this << server << line);
    uint32_t busyWorkers = 0;
    if (!ParseReply(line, busyWorkers))
    {
        m_malformedReplies++;
        NS_LOG_WARN("server " << server << " sent the reply \"" << line
                              << "\", expected \"busy=<count>\"; ignoring it");
        return;
    }
    m_replies++;
    m_connections[server].replies++;

    Ptr<LbDataPlane> dataPlane = m_loadBalancer->GetDataPlane();
    double weight = dataPlane->GetServers()[server].staticWeight / (busyWorkers + 1.0);
    NS_LOG_DEBUG("server " << server << " has " << busyWorkers << " busy workers; weight "
                           << weight);
    dataPlane->SetWeight(server, weight);
    m_busyWorkersTrace(server, busyWorkers);
}

} // namespace ns3
