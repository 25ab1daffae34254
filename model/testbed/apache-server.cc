/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "apache-server.h"

#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/tcp-socket.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ApacheServer");

NS_OBJECT_ENSURE_REGISTERED(ApacheServer);

namespace
{
/// Apache's LimitRequestLine plus room for headers. A longer request gets status 400.
constexpr std::size_t MAX_REQUEST_BYTES = 16384;
/// A computation counts as finished with this little CPU time left, in seconds.
constexpr double WORK_EPSILON = 1e-10;
/// Largest read from a probe connection at once, in bytes.
constexpr uint32_t PROBE_READ_BYTES = 4096;
} // namespace

TypeId
ApacheServer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ApacheServer")
            .SetParent<Application>()
            .SetGroupName("MarlLb")
            .AddConstructor<ApacheServer>()
            .AddAttribute("Port",
                          "TCP port to listen on, on every local address (the VIP included).",
                          UintegerValue(80),
                          MakeUintegerAccessor(&ApacheServer::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("MaxWorkers",
                          "Worker processes (Apache's MaxRequestWorkers): connections served "
                          "at once.",
                          UintegerValue(32),
                          MakeUintegerAccessor(&ApacheServer::m_maxWorkers),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Backlog",
                          "Listen backlog: connections that may wait for a free worker.",
                          UintegerValue(128),
                          MakeUintegerAccessor(&ApacheServer::m_backlog),
                          MakeUintegerChecker<uint32_t>(0))
            .AddAttribute("SoMaxConn",
                          "Kernel cap on any listen backlog (net.core.somaxconn); the accept "
                          "queue holds min(Backlog, SoMaxConn). Linux 4.15, the study's kernel, "
                          "defaults to 128; Linux 5.4 and later to 4096.",
                          UintegerValue(4096),
                          MakeUintegerAccessor(&ApacheServer::m_soMaxConn),
                          MakeUintegerChecker<uint32_t>(0))
            .AddAttribute("AbortOnOverflow",
                          "Linux's net.ipv4.tcp_abort_on_overflow. True (the study's setting): "
                          "a connection that finds the accept queue full is reset. False (the "
                          "kernel default): its SYN is ignored and the client retransmits it.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&ApacheServer::m_abortOnOverflow),
                          MakeBooleanChecker())
            .AddAttribute("Cpus",
                          "CPU cores shared by the computing workers.",
                          UintegerValue(2),
                          MakeUintegerAccessor(&ApacheServer::m_cpus),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("IterationCost",
                          "CPU time of one iteration of the PHP for-loop page on one core.",
                          TimeValue(NanoSeconds(50)),
                          MakeTimeAccessor(&ApacheServer::m_iterationCost),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("WikiPageCpuTime",
                          "CPU time of a MediaWiki page (URL containing /wiki/index.php/).",
                          TimeValue(MilliSeconds(50)),
                          MakeTimeAccessor(&ApacheServer::m_wikiPageCpuTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("WikiPageBytes",
                          "Body size of a MediaWiki page, in bytes.",
                          UintegerValue(60000),
                          MakeUintegerAccessor(&ApacheServer::m_wikiPageBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("StaticCpuTime",
                          "CPU time of a static file (any other URL).",
                          TimeValue(MicroSeconds(200)),
                          MakeTimeAccessor(&ApacheServer::m_staticCpuTime),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("StaticBytes",
                          "Body size of a static file, in bytes.",
                          UintegerValue(10000),
                          MakeUintegerAccessor(&ApacheServer::m_staticBytes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("KeepAliveTimeout",
                          "Time that a served connection may stay idle before the server "
                          "closes it (Apache's KeepAliveTimeout).",
                          TimeValue(Seconds(5)),
                          MakeTimeAccessor(&ApacheServer::m_keepAliveTimeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("SegmentSize",
                          "TCP maximum segment size of the server's sockets, in bytes (1448 "
                          "is Linux's on a 1500-byte MTU with TCP timestamps).",
                          UintegerValue(1448),
                          MakeUintegerAccessor(&ApacheServer::m_segmentSize),
                          MakeUintegerChecker<uint32_t>(64))
            .AddAttribute("ProbePort",
                          "TCP status port, on every local address: each line received there "
                          "is answered with \"busy=<busy workers>\\n\". Must differ from Port; "
                          "0 disables the status port.",
                          UintegerValue(8081),
                          MakeUintegerAccessor(&ApacheServer::m_probePort),
                          MakeUintegerChecker<uint16_t>())
            .AddTraceSource("BusyWorkers",
                            "Workers holding a connection.",
                            MakeTraceSourceAccessor(&ApacheServer::m_busyWorkers),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("BacklogLength",
                            "Connections waiting in the accept queue.",
                            MakeTraceSourceAccessor(&ApacheServer::m_backlogLength),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("Reject",
                            "A connection was refused because the accept queue was full.",
                            MakeTraceSourceAccessor(&ApacheServer::m_rejectTrace),
                            "ns3::ApacheServer::RejectTracedCallback")
            .AddTraceSource("RequestServed",
                            "A worker wrote a whole response.",
                            MakeTraceSourceAccessor(&ApacheServer::m_requestServedTrace),
                            "ns3::ApacheServer::RequestServedTracedCallback");
    return tid;
}

ApacheServer::ApacheServer()
    : m_port(80),
      m_maxWorkers(32),
      m_backlog(128),
      m_soMaxConn(4096),
      m_abortOnOverflow(true),
      m_cpus(2),
      m_iterationCost(NanoSeconds(50)),
      m_wikiPageCpuTime(MilliSeconds(50)),
      m_wikiPageBytes(60000),
      m_staticCpuTime(MicroSeconds(200)),
      m_staticBytes(10000),
      m_keepAliveTimeout(Seconds(5)),
      m_segmentSize(1448),
      m_probePort(8081),
      m_busyWorkers(0),
      m_backlogLength(0)
{
    NS_LOG_FUNCTION(this);
}

void
ApacheServer::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_completionEvent.Cancel();
    for (auto& [id, connection] : m_connections)
    {
        connection.keepAliveEvent.Cancel();
    }
    m_connections.clear();
    m_idOfSocket.clear();
    m_acceptQueue.clear();
    m_computing.clear();
    m_listener = nullptr;
    m_probeSockets.clear();
    m_probeListener = nullptr;
    Application::DoDispose();
}

uint32_t
ApacheServer::GetBusyWorkers() const
{
    return m_busyWorkers;
}

uint32_t
ApacheServer::GetBacklogLength() const
{
    return m_backlogLength;
}

uint32_t
ApacheServer::GetComputingWorkers() const
{
    return static_cast<uint32_t>(m_computing.size());
}

uint64_t
ApacheServer::GetServedRequests() const
{
    return m_served;
}

uint64_t
ApacheServer::GetRejectedConnections() const
{
    return m_rejected;
}

uint32_t
ApacheServer::GetCpus() const
{
    return m_cpus;
}

uint64_t
ApacheServer::GetProbesAnswered() const
{
    return m_probesAnswered;
}

uint32_t
ApacheServer::GetProbeConnections() const
{
    return static_cast<uint32_t>(m_probeSockets.size());
}

uint32_t
ApacheServer::GetEffectiveBacklog() const
{
    return std::min(m_backlog, m_soMaxConn);
}

void
ApacheServer::ComputeWork(const std::string& url, Time& cpuTime, uint64_t& bodyBytes) const
{
    RequestKind kind = ClassifyRequestUrl(url);
    switch (kind.type)
    {
        case RequestKind::FOR_LOOP:
            cpuTime = m_iterationCost * static_cast<int64_t>(kind.iterations);
            bodyBytes = ForLoopResponseBytes(kind.iterations);
            break;
        case RequestKind::WIKI_PAGE:
            cpuTime = m_wikiPageCpuTime;
            bodyBytes = m_wikiPageBytes;
            break;
        case RequestKind::STATIC:
            cpuTime = m_staticCpuTime;
            bodyBytes = m_staticBytes;
            break;
    }
}

void
ApacheServer::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    m_listener->SetAttribute("SegmentSize", UintegerValue(m_segmentSize));
    if (m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0)
    {
        NS_FATAL_ERROR("ApacheServer on node " << GetNode()->GetId() << " cannot bind port "
                                               << m_port << "; another application listens on it");
    }
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeCallback(&ApacheServer::HandleConnectionRequest, this),
                                  MakeCallback(&ApacheServer::HandleAccept, this));
    m_lastAdvance = Simulator::Now();
    NS_LOG_INFO("server on node " << GetNode()->GetId() << " listens on port " << m_port << ", "
                                  << m_maxWorkers << " workers, backlog " << GetEffectiveBacklog()
                                  << ", " << m_cpus << " CPUs");

    if (m_probePort == 0)
    {
        return;
    }
    if (m_probePort == m_port)
    {
        NS_FATAL_ERROR("ApacheServer on node " << GetNode()->GetId() << " has ProbePort "
                                               << m_probePort
                                               << ", the same as Port; choose another "
                                                  "ProbePort, or 0 to disable the status port");
    }
    m_probeListener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    if (m_probeListener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_probePort)) != 0)
    {
        NS_FATAL_ERROR("ApacheServer on node " << GetNode()->GetId() << " cannot bind ProbePort "
                                               << m_probePort
                                               << "; another application listens on it; "
                                                  "choose another ProbePort or 0");
    }
    m_probeListener->Listen();
    // A null connection-request callback accepts every connection.
    m_probeListener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                       MakeCallback(&ApacheServer::HandleProbeAccept, this));
    NS_LOG_INFO("server on node " << GetNode()->GetId() << " answers probes on port "
                                  << m_probePort);
}

void
ApacheServer::StopApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->Close();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeNullCallback<void, Ptr<Socket>, const Address&>());
    }
    m_completionEvent.Cancel();
    std::vector<uint64_t> ids;
    for (const auto& [id, connection] : m_connections)
    {
        ids.push_back(id);
    }
    for (uint64_t id : ids)
    {
        Ptr<Socket> socket = m_connections[id].socket;
        Release(id);
        socket->Close();
    }

    if (m_probeListener)
    {
        m_probeListener->Close();
        m_probeListener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                           MakeNullCallback<void, Ptr<Socket>, const Address&>());
    }
    // Copy first: closing a connection removes it from the set.
    std::vector<Ptr<Socket>> probeSockets(m_probeSockets.begin(), m_probeSockets.end());
    for (const auto& socket : probeSockets)
    {
        CloseProbeConnection(socket);
    }
}

bool
ApacheServer::HandleConnectionRequest(Ptr<Socket> /* socket */, const Address& client)
{
    NS_LOG_FUNCTION(this << client);
    bool queueFull = m_busyWorkers >= m_maxWorkers && m_acceptQueue.size() >= GetEffectiveBacklog();
    if (queueFull && !m_abortOnOverflow)
    {
        NS_LOG_LOGIC("accept queue full, SYN from " << client << " ignored");
        m_rejected++;
        m_rejectTrace(client, REJECT_SYN_IGNORED);
        return false;
    }
    return true;
}

void
ApacheServer::HandleAccept(Ptr<Socket> socket, const Address& client)
{
    NS_LOG_FUNCTION(this << socket << client);
    uint64_t id = m_nextId++;
    Connection& connection = m_connections[id];
    connection.socket = socket;
    connection.client = client;
    m_idOfSocket[PeekPointer(socket)] = id;
    socket->SetRecvCallback(MakeCallback(&ApacheServer::HandleRead, this));
    socket->SetSendCallback(MakeCallback(&ApacheServer::HandleSendSpace, this));
    socket->SetCloseCallbacks(MakeCallback(&ApacheServer::HandlePeerClose, this),
                              MakeCallback(&ApacheServer::HandleClose, this));
    socket->TraceConnectWithoutContext(
        "State",
        MakeCallback(&ApacheServer::HandleStateChange, this).Bind(PeekPointer(socket)));

    if (m_busyWorkers < m_maxWorkers)
    {
        connection.state = READING;
        m_busyWorkers++;
        return;
    }
    if (m_acceptQueue.size() < GetEffectiveBacklog() || !m_abortOnOverflow)
    {
        // Without AbortOnOverflow, Linux would hold the final ACK until the queue has room.
        // ns-3's TCP has already established the connection, so it queues beyond the limit.
        connection.state = QUEUED;
        m_acceptQueue.push_back(id);
        m_backlogLength = static_cast<uint32_t>(m_acceptQueue.size());
        return;
    }
    // The client's request will be in the receive buffer when the connection is closed, and
    // closing a socket with unread data sends RST.
    NS_LOG_LOGIC("accept queue full, connection from " << client << " will be reset");
    connection.state = REJECTING;
    m_rejected++;
    m_rejectTrace(client, REJECT_RESET);
}

void
ApacheServer::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto found = m_idOfSocket.find(PeekPointer(socket));
    if (found == m_idOfSocket.end())
    {
        return;
    }
    uint64_t id = found->second;
    Connection& connection = m_connections[id];
    if (connection.state == REJECTING)
    {
        Release(id);
        socket->Close();
        return;
    }
    if (connection.state != READING)
    {
        // Queued connections keep their data in the socket until a worker takes them; data
        // after the request (a pipelined request) waits for the next response.
        return;
    }
    while (socket->GetRxAvailable() > 0 && connection.state == READING)
    {
        Ptr<Packet> packet = socket->Recv(socket->GetRxAvailable(), 0);
        if (!packet || packet->GetSize() == 0)
        {
            break;
        }
        std::string bytes(packet->GetSize(), '\0');
        packet->CopyData(reinterpret_cast<uint8_t*>(&bytes[0]), packet->GetSize());
        connection.request += bytes;
        if (connection.request.find("\r\n\r\n") != std::string::npos
            || connection.request.size() > MAX_REQUEST_BYTES)
        {
            StartRequest(id);
        }
    }
}

void
ApacheServer::StartRequest(uint64_t id)
{
    NS_LOG_FUNCTION(this << id);
    Connection& connection = m_connections[id];
    std::istringstream line(connection.request.substr(0, connection.request.find("\r\n")));
    std::string method;
    std::string target;
    std::string version;
    line >> method >> target >> version;
    std::ostringstream header;
    uint64_t bodyBytes = 0;
    if (method != "GET" || target.empty() || version.rfind("HTTP/1.", 0) != 0
        || connection.request.size() > MAX_REQUEST_BYTES)
    {
        NS_LOG_WARN("server on node " << GetNode()->GetId() << " got a malformed request from "
                                      << connection.client << "; answering 400");
        connection.cpuTime = Seconds(0);
        header << "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }
    else
    {
        ComputeWork(target, connection.cpuTime, bodyBytes);
        header << "HTTP/1.1 200 OK\r\nServer: Apache/2.4.29 (Ubuntu)\r\nContent-Length: "
               << bodyBytes << "\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n";
    }
    connection.url = target;
    connection.responseHeader = header.str();
    connection.bodyRemaining = bodyBytes;
    connection.responseBytes = connection.responseHeader.size() + bodyBytes;
    connection.remainingWork = connection.cpuTime.GetSeconds();
    connection.state = COMPUTING;

    AdvanceComputation();
    m_computing.push_back(id);
    ScheduleNextCompletion();
}

void
ApacheServer::AdvanceComputation()
{
    Time now = Simulator::Now();
    if (!m_computing.empty() && now > m_lastAdvance)
    {
        double share = std::min(1.0, static_cast<double>(m_cpus) / m_computing.size());
        double done = (now - m_lastAdvance).GetSeconds() * share;
        for (uint64_t id : m_computing)
        {
            m_connections[id].remainingWork -= done;
        }
    }
    m_lastAdvance = now;
}

void
ApacheServer::ScheduleNextCompletion()
{
    m_completionEvent.Cancel();
    if (m_computing.empty())
    {
        return;
    }
    double least = m_connections[m_computing.front()].remainingWork;
    for (uint64_t id : m_computing)
    {
        least = std::min(least, m_connections[id].remainingWork);
    }
    double share = std::min(1.0, static_cast<double>(m_cpus) / m_computing.size());
    Time delay = Seconds(std::max(0.0, least) / share);
    m_completionEvent = Simulator::Schedule(delay, &ApacheServer::CompleteComputation, this);
}

void
ApacheServer::CompleteComputation()
{
    NS_LOG_FUNCTION(this);
    AdvanceComputation();
    // The completion time is rounded to the simulator's resolution, so allow for the
    // rounding when deciding which requests are done.
    double share = std::min(1.0, static_cast<double>(m_cpus) / m_computing.size());
    double tolerance = WORK_EPSILON + 1e-9 * share;
    std::vector<uint64_t> finished;
    for (uint64_t id : m_computing)
    {
        if (m_connections[id].remainingWork <= tolerance)
        {
            finished.push_back(id);
        }
    }
    m_computing.erase(std::remove_if(m_computing.begin(),
                                     m_computing.end(),
                                     [this, tolerance](uint64_t id) {
                                         return m_connections[id].remainingWork <= tolerance;
                                     }),
                      m_computing.end());
    for (uint64_t id : finished)
    {
        m_connections[id].state = SENDING;
    }
    ScheduleNextCompletion();
    for (uint64_t id : finished)
    {
        SendResponse(id);
    }
}

void
ApacheServer::HandleSendSpace(Ptr<Socket> socket, uint32_t /* available */)
{
    auto found = m_idOfSocket.find(PeekPointer(socket));
    if (found != m_idOfSocket.end() && m_connections[found->second].state == SENDING)
    {
        SendResponse(found->second);
    }
}

void
ApacheServer::SendResponse(uint64_t id)
{
    NS_LOG_FUNCTION(this << id);
    Connection& connection = m_connections[id];
    Ptr<Socket> socket = connection.socket;
    while (!connection.responseHeader.empty() || connection.bodyRemaining > 0)
    {
        uint32_t room = socket->GetTxAvailable();
        if (room == 0)
        {
            return;
        }
        if (!connection.responseHeader.empty())
        {
            uint32_t size =
                std::min<uint32_t>(room, static_cast<uint32_t>(connection.responseHeader.size()));
            auto packet =
                Create<Packet>(reinterpret_cast<const uint8_t*>(connection.responseHeader.data()),
                               size);
            int sent = socket->Send(packet);
            if (sent <= 0)
            {
                return;
            }
            connection.responseHeader.erase(0, static_cast<std::size_t>(sent));
            continue;
        }
        // The body's content does not matter to the model, only its size.
        uint32_t size = static_cast<uint32_t>(std::min<uint64_t>(room, connection.bodyRemaining));
        int sent = socket->Send(Create<Packet>(size));
        if (sent <= 0)
        {
            return;
        }
        connection.bodyRemaining -= static_cast<uint64_t>(sent);
    }

    // The whole response is in the kernel: the worker is free for the next connection.
    m_served++;
    m_requestServedTrace(connection.client,
                         connection.url,
                         connection.cpuTime,
                         connection.responseBytes);
    connection.state = LINGERING;
    m_busyWorkers--;
    connection.keepAliveEvent = Simulator::Schedule(m_keepAliveTimeout, [this, id]() {
        auto it = m_connections.find(id);
        if (it != m_connections.end())
        {
            Ptr<Socket> socket = it->second.socket;
            Release(id);
            socket->Close();
        }
    });
    DispatchQueue();
}

void
ApacheServer::DispatchQueue()
{
    while (m_busyWorkers < m_maxWorkers && !m_acceptQueue.empty())
    {
        uint64_t id = m_acceptQueue.front();
        m_acceptQueue.pop_front();
        m_backlogLength = static_cast<uint32_t>(m_acceptQueue.size());
        Connection& connection = m_connections[id];
        connection.state = READING;
        m_busyWorkers++;
        HandleRead(connection.socket);
    }
}

void
ApacheServer::HandleClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto found = m_idOfSocket.find(PeekPointer(socket));
    if (found == m_idOfSocket.end())
    {
        return;
    }
    Release(found->second);
}

void
ApacheServer::HandlePeerClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    // After the client's FIN the connection waits in CLOSE_WAIT until this side closes too.
    // ns-3 reports a received RST through the same callback, and closing a reset socket
    // would send a stray segment, so close only connections that saw a FIN.
    auto found = m_idOfSocket.find(PeekPointer(socket));
    if (found == m_idOfSocket.end())
    {
        return;
    }
    bool peerSentFin = m_connections[found->second].peerSentFin;
    Release(found->second);
    if (peerSentFin)
    {
        socket->Close();
    }
}

void
ApacheServer::HandleStateChange(Socket* socket,
                                TcpSocket::TcpStates_t /* oldState */,
                                TcpSocket::TcpStates_t newState)
{
    if (newState != TcpSocket::CLOSE_WAIT)
    {
        return;
    }
    auto found = m_idOfSocket.find(socket);
    if (found != m_idOfSocket.end())
    {
        m_connections[found->second].peerSentFin = true;
    }
}

void
ApacheServer::HandleProbeAccept(Ptr<Socket> socket, const Address& peer)
{
    NS_LOG_FUNCTION(this << socket << peer);
    m_probeSockets.insert(socket);
    socket->SetRecvCallback(MakeCallback(&ApacheServer::HandleProbeRead, this));
    socket->SetCloseCallbacks(MakeCallback(&ApacheServer::HandleProbeClose, this),
                              MakeCallback(&ApacheServer::HandleProbeClose, this));
    NS_LOG_LOGIC("probe connection from " << peer);
}

void
ApacheServer::HandleProbeRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    while (socket->GetRxAvailable() > 0)
    {
        Ptr<Packet> packet = socket->Recv(std::min(socket->GetRxAvailable(), PROBE_READ_BYTES), 0);
        if (!packet || packet->GetSize() == 0)
        {
            break;
        }
        // Only the line feeds matter: the content of a probe line is ignored.
        std::string bytes(packet->GetSize(), '\0');
        packet->CopyData(reinterpret_cast<uint8_t*>(&bytes[0]), packet->GetSize());
        auto lines = std::count(bytes.begin(), bytes.end(), '\n');
        for (decltype(lines) line = 0; line < lines; ++line)
        {
            std::string reply = "busy=" + std::to_string(m_busyWorkers.Get()) + "\n";
            int sent = socket->Send(reinterpret_cast<const uint8_t*>(reply.data()),
                                    static_cast<uint32_t>(reply.size()),
                                    0);
            if (sent != static_cast<int>(reply.size()))
            {
                // Only a peer that never reads its replies fills the send buffer.
                NS_LOG_WARN("server on node " << GetNode()->GetId()
                                              << " dropped a probe reply: the send buffer of "
                                                 "the probe connection is full");
                continue;
            }
            m_probesAnswered++;
        }
    }
}

void
ApacheServer::HandleProbeClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    CloseProbeConnection(socket);
}

void
ApacheServer::CloseProbeConnection(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
    m_probeSockets.erase(socket);
    socket->Close();
}

void
ApacheServer::Release(uint64_t id)
{
    NS_LOG_FUNCTION(this << id);
    auto it = m_connections.find(id);
    if (it == m_connections.end())
    {
        return;
    }
    Connection& connection = it->second;
    connection.keepAliveEvent.Cancel();
    switch (connection.state)
    {
        case QUEUED:
            m_acceptQueue.erase(std::find(m_acceptQueue.begin(), m_acceptQueue.end(), id));
            m_backlogLength = static_cast<uint32_t>(m_acceptQueue.size());
            break;
        case COMPUTING:
            AdvanceComputation();
            m_computing.erase(std::find(m_computing.begin(), m_computing.end(), id));
            ScheduleNextCompletion();
            m_busyWorkers--;
            break;
        case READING:
        case SENDING:
            m_busyWorkers--;
            break;
        case LINGERING:
        case REJECTING:
            break;
    }
    Ptr<Socket> socket = connection.socket;
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
    m_idOfSocket.erase(PeekPointer(socket));
    m_connections.erase(it);
    DispatchQueue();
}

} // namespace ns3
