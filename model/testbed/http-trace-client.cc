/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "http-trace-client.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/tcp-socket.h"
#include "ns3/uinteger.h"

#include <cstdlib>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("HttpTraceClient");

NS_OBJECT_ENSURE_REGISTERED(HttpTraceClient);

namespace
{
/// A response header longer than this is malformed.
constexpr std::size_t MAX_HEADER_BYTES = 16384;
} // namespace

TypeId
HttpTraceClient::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::HttpTraceClient")
            .SetParent<Application>()
            .SetGroupName("MarlLb")
            .AddConstructor<HttpTraceClient>()
            .AddAttribute("RemoteAddress",
                          "Address of the service: the VIP.",
                          Ipv4AddressValue(Ipv4Address("10.255.0.1")),
                          MakeIpv4AddressAccessor(&HttpTraceClient::m_remoteAddress),
                          MakeIpv4AddressChecker())
            .AddAttribute("RemotePort",
                          "TCP port of the service.",
                          UintegerValue(80),
                          MakeUintegerAccessor(&HttpTraceClient::m_remotePort),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("SegmentSize",
                          "TCP maximum segment size of the client's sockets, in bytes.",
                          UintegerValue(1448),
                          MakeUintegerAccessor(&HttpTraceClient::m_segmentSize),
                          MakeUintegerChecker<uint32_t>(64))
            .AddAttribute("SynTimeout",
                          "Time before the first SYN retransmission; it doubles with each "
                          "retry. Linux uses 1 s (RFC 6298); ns-3's TCP default is 3 s.",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&HttpTraceClient::m_synTimeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("SynRetries",
                          "SYN retransmissions before the connect fails (Linux's "
                          "net.ipv4.tcp_syn_retries, 6 by default).",
                          UintegerValue(6),
                          MakeUintegerAccessor(&HttpTraceClient::m_synRetries),
                          MakeUintegerChecker<uint32_t>(0, 100))
            .AddTraceSource("RequestEnded",
                            "A request completed or failed.",
                            MakeTraceSourceAccessor(&HttpTraceClient::m_requestEndedTrace),
                            "ns3::HttpTraceClient::RequestEndedTracedCallback");
    return tid;
}

HttpTraceClient::HttpTraceClient()
    : m_remotePort(80),
      m_segmentSize(1448),
      m_synTimeout(Seconds(1)),
      m_synRetries(6)
{
    NS_LOG_FUNCTION(this);
}

void
HttpTraceClient::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_nextEvent.Cancel();
    m_active.clear();
    Application::DoDispose();
}

void
HttpTraceClient::SetTrace(const RequestTrace& trace)
{
    NS_LOG_FUNCTION(this << trace.GetName());
    m_requests = trace.GetRequests();
    m_records.clear();
    m_records.reserve(m_requests.size());
    m_next = 0;
}

const std::vector<RequestRecord>&
HttpTraceClient::GetRecords() const
{
    return m_records;
}

uint32_t
HttpTraceClient::GetActiveRequests() const
{
    return static_cast<uint32_t>(m_active.size());
}

void
HttpTraceClient::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_requests.empty())
    {
        NS_LOG_WARN("HttpTraceClient on node " << GetNode()->GetId()
                                               << " has no request to replay; call SetTrace");
        return;
    }
    m_nextEvent =
        Simulator::Schedule(m_requests.front().time, &HttpTraceClient::SendNextRequest, this);
}

void
HttpTraceClient::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_nextEvent.Cancel();
    std::vector<Ptr<Socket>> open;
    for (const auto& [pointer, active] : m_active)
    {
        open.push_back(active.socket);
    }
    // Close in trace order, so that the run does not depend on the map's order.
    std::sort(open.begin(), open.end(), [this](Ptr<Socket> a, Ptr<Socket> b) {
        return m_active[PeekPointer(a)].record < m_active[PeekPointer(b)].record;
    });
    for (const auto& socket : open)
    {
        Finish(socket, RequestOutcome::UNFINISHED);
    }
}

void
HttpTraceClient::SendNextRequest()
{
    const TraceRequest& request = m_requests[m_next];
    RequestRecord record;
    record.index = m_next;
    record.client = GetNode()->GetId();
    record.url = request.url;
    record.scheduled = request.time;
    record.start = Simulator::Now();
    record.end = record.start;
    m_records.push_back(record);

    Ptr<Socket> socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    socket->SetAttribute("SegmentSize", UintegerValue(m_segmentSize));
    socket->SetAttribute("ConnTimeout", TimeValue(m_synTimeout));
    socket->SetAttribute("ConnCount", UintegerValue(m_synRetries));
    ActiveRequest& active = m_active[PeekPointer(socket)];
    active.socket = socket;
    active.record = m_records.size() - 1;
    socket->SetConnectCallback(MakeCallback(&HttpTraceClient::HandleConnected, this),
                               MakeCallback(&HttpTraceClient::HandleConnectFailed, this));
    socket->SetRecvCallback(MakeCallback(&HttpTraceClient::HandleRead, this));
    socket->SetCloseCallbacks(MakeCallback(&HttpTraceClient::HandleNormalClose, this),
                              MakeCallback(&HttpTraceClient::HandleErrorClose, this));
    socket->TraceConnectWithoutContext(
        "State",
        MakeCallback(&HttpTraceClient::HandleStateChange, this).Bind(PeekPointer(socket)));
    socket->Bind();
    socket->Connect(InetSocketAddress(m_remoteAddress, m_remotePort));

    Address local;
    socket->GetSockName(local);
    InetSocketAddress localInet = InetSocketAddress::ConvertFrom(local);
    m_records.back().clientPort = localInet.GetPort();
    m_records.back().clientAddress = localInet.GetIpv4();
    NS_LOG_DEBUG("request " << record.index << " " << request.url << " from port "
                            << localInet.GetPort());

    ++m_next;
    if (m_next < m_requests.size())
    {
        Time delay = m_requests[m_next].time - request.time;
        m_nextEvent = Simulator::Schedule(delay, &HttpTraceClient::SendNextRequest, this);
    }
}

void
HttpTraceClient::HandleConnected(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_active.find(PeekPointer(socket));
    if (it == m_active.end())
    {
        return;
    }
    // The source address is known only now that the route is chosen.
    Address local;
    socket->GetSockName(local);
    m_records[it->second.record].clientAddress = InetSocketAddress::ConvertFrom(local).GetIpv4();
    std::ostringstream request;
    request << "GET " << m_records[it->second.record].url
            << " HTTP/1.1\r\nHost: " << m_remoteAddress
            << "\r\nUser-Agent: marl-lb/0.1\r\nAccept: */*\r\n\r\n";
    std::string text = request.str();
    socket->Send(Create<Packet>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void
HttpTraceClient::HandleConnectFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Finish(socket, RequestOutcome::CONNECT_FAILED);
}

bool
HttpTraceClient::ParseHeader(ActiveRequest& active)
{
    RequestRecord& record = m_records[active.record];
    std::istringstream lines(active.header);
    std::string statusLine;
    std::getline(lines, statusLine);
    std::istringstream status(statusLine);
    std::string version;
    status >> version >> record.httpStatus;
    if (version.rfind("HTTP/1.", 0) != 0 || record.httpStatus == 0)
    {
        return false;
    }
    std::string line;
    bool hasLength = false;
    while (std::getline(lines, line))
    {
        if (line.rfind("Content-Length:", 0) == 0)
        {
            active.expected = active.header.size() + std::strtoull(line.c_str() + 15, nullptr, 10);
            hasLength = true;
        }
    }
    return hasLength;
}

void
HttpTraceClient::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto it = m_active.find(PeekPointer(socket));
    if (it == m_active.end())
    {
        return;
    }
    ActiveRequest& active = it->second;
    RequestRecord& record = m_records[active.record];

    // Read all but the last available byte, so that closing the socket at the end finds
    // unread data and sends RST.
    while (socket->GetRxAvailable() > 1)
    {
        uint32_t take = socket->GetRxAvailable() - 1;
        if (!active.headerDone)
        {
            take = std::min<uint32_t>(take, 1460);
        }
        Ptr<Packet> packet = socket->Recv(take, 0);
        if (!packet || packet->GetSize() == 0)
        {
            break;
        }
        active.read += packet->GetSize();
        if (!active.headerDone)
        {
            std::string bytes(packet->GetSize(), '\0');
            packet->CopyData(reinterpret_cast<uint8_t*>(&bytes[0]), packet->GetSize());
            active.header += bytes;
            auto end = active.header.find("\r\n\r\n");
            if (end != std::string::npos)
            {
                active.header.resize(end + 4);
                active.headerDone = true;
                if (!ParseHeader(active))
                {
                    record.bytes = active.read;
                    Finish(socket, RequestOutcome::BAD_RESPONSE);
                    return;
                }
            }
            else if (active.header.size() > MAX_HEADER_BYTES)
            {
                record.bytes = active.read;
                Finish(socket, RequestOutcome::BAD_RESPONSE);
                return;
            }
        }
    }
    uint64_t available = active.read + socket->GetRxAvailable();
    if (!active.headerDone && socket->GetRxAvailable() == 1 && active.header.size() >= 3
        && active.header.compare(active.header.size() - 3, 3, "\r\n\r") == 0)
    {
        // The unread byte can only be the header's final line feed: a response without body.
        active.header += "\n";
        active.headerDone = true;
        if (!ParseHeader(active))
        {
            record.bytes = available;
            Finish(socket, RequestOutcome::BAD_RESPONSE);
            return;
        }
    }
    if (active.headerDone && available >= active.expected)
    {
        record.bytes = available;
        Finish(socket,
               record.httpStatus == 200 ? RequestOutcome::COMPLETED : RequestOutcome::BAD_RESPONSE);
    }
}

void
HttpTraceClient::HandleNormalClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    // ns-3 reports a received RST as a normal close too; only a FIN passes through
    // CLOSE_WAIT.
    auto it = m_active.find(PeekPointer(socket));
    bool peerSentFin = it != m_active.end() && it->second.peerSentFin;
    Finish(socket, peerSentFin ? RequestOutcome::CLOSED_EARLY : RequestOutcome::RESET);
}

void
HttpTraceClient::HandleStateChange(Socket* socket,
                                   TcpSocket::TcpStates_t /* oldState */,
                                   TcpSocket::TcpStates_t newState)
{
    if (newState == TcpSocket::CLOSE_WAIT)
    {
        auto it = m_active.find(socket);
        if (it != m_active.end())
        {
            it->second.peerSentFin = true;
        }
    }
}

void
HttpTraceClient::HandleErrorClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Finish(socket, RequestOutcome::RESET);
}

void
HttpTraceClient::Finish(Ptr<Socket> socket, RequestOutcome outcome)
{
    auto it = m_active.find(PeekPointer(socket));
    if (it == m_active.end())
    {
        return;
    }
    RequestRecord& record = m_records[it->second.record];
    record.end = Simulator::Now();
    record.outcome = outcome;
    if (record.bytes == 0)
    {
        record.bytes = it->second.read;
    }
    NS_LOG_LOGIC("request " << record.index << " ends " << RequestOutcomeName(outcome) << " after "
                            << record.GetJct().As(Time::MS));
    m_active.erase(it);
    socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                              MakeNullCallback<void, Ptr<Socket>>());
    socket->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                               MakeNullCallback<void, Ptr<Socket>>());
    socket->Close();
    m_requestEndedTrace(record);
}

} // namespace ns3
