/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Test of DpdkNetDevice: the load-balancer node on a DPDK port, in real time.
 *
 * \verbatim
 *   in.pcap --> net_pcap0 (DPDK) --> ns-3 node 10.200.0.2: ARP, LoadBalancer (VIP 10.200.1.1)
 *   out.pcap <-- net_pcap0 <-------- ARP reply, GRE to the server 10.200.0.101
 * \endverbatim
 *
 * The DPDK pcap virtual device replays in.pcap into the node and records what the node sends
 * in out.pcap, without a NIC or huge pages. in.pcap contains an ARP request for the node, a TCP
 * SYN, ACK and RST of one flow to the VIP, and four frames with bad framing. The test checks
 * that the node answers the ARP request, that each TCP packet leaves in GRE to the server with
 * the client's IPv4 packet byte for byte inside, that the flow table saw the flow start at the
 * SYN and end at the RST, and that each bad frame was counted under its verdict.
 *
 * Exits 0 if every check passes, 1 if one fails, and 77 (skipped) if the EAL cannot start
 * here, after printing why.
 */

#include "dpdk-net-device.h"
#include "emulation-helper.h"
#include "lb-data-plane.h"
#include "load-balancer.h"

#include "ns3/core-module.h"
#include "ns3/internet-module.h"

#include <cstdio>
#include <fstream>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

using Frame = std::vector<uint8_t>; //!< an Ethernet frame

const Frame NODE_MAC = {0x02, 0, 0, 0, 0, 0x02};   //!< the load balancer
const Frame CLIENT_MAC = {0x02, 0, 0, 0, 0, 0x0a}; //!< the client
const Frame SERVER_MAC = {0x02, 0, 0, 0, 0, 0x65}; //!< the server
const Frame NODE_IP = {10, 200, 0, 2};             //!< the load balancer's address
const Frame CLIENT_IP = {10, 200, 0, 10};          //!< the client's address
const Frame SERVER_IP = {10, 200, 0, 101};         //!< the server's address (DIP)
const Frame VIP = {10, 200, 1, 1};                 //!< the service's virtual IP

int g_failures = 0; //!< checks that failed

/**
 * Records one check.
 * \param ok whether it passed
 * \param what what was checked
 */
void
Check(bool ok, const std::string& what)
{
    std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what.c_str());
    g_failures += ok ? 0 : 1;
}

/**
 * Starts a frame.
 * \param destination destination MAC
 * \param source source MAC
 * \param etherType the EtherType
 * \return the 14-byte header
 */
Frame
Ethernet(const Frame& destination, const Frame& source, uint16_t etherType)
{
    Frame frame = destination;
    frame.insert(frame.end(), source.begin(), source.end());
    frame.push_back(static_cast<uint8_t>(etherType >> 8));
    frame.push_back(static_cast<uint8_t>(etherType & 0xff));
    return frame;
}

/**
 * Builds a TCP packet from the client to the VIP, IPv4 header included.
 * \param flags the TCP flags
 * \param sequence the sequence number
 * \param totalLength the IPv4 total length field (40 is the true one)
 * \return the IPv4 packet
 */
Frame
TcpPacket(uint8_t flags, uint8_t sequence, uint16_t totalLength = 40)
{
    Frame ip = {0x45,
                0,
                static_cast<uint8_t>(totalLength >> 8),
                static_cast<uint8_t>(totalLength & 0xff),
                0x12,
                sequence,
                0x40,
                0,
                64,
                6,
                0,
                0};
    ip.insert(ip.end(), CLIENT_IP.begin(), CLIENT_IP.end());
    ip.insert(ip.end(), VIP.begin(), VIP.end());
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
    {
        sum += static_cast<uint32_t>((ip[i] << 8) | ip[i + 1]);
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10] = static_cast<uint8_t>((~sum >> 8) & 0xff);
    ip[11] = static_cast<uint8_t>(~sum & 0xff);
    Frame tcp = {0x9c, 0x40, 0x00, 0x50,  0,    0,    0,    sequence, 0, 0,
                 0,    0,    0x50, flags, 0x72, 0x10, 0xab, 0xcd,     0, 0};
    ip.insert(ip.end(), tcp.begin(), tcp.end());
    return ip;
}

/**
 * Writes frames to a pcap file (Ethernet link type).
 * \param path the file
 * \param frames the frames
 */
void
WritePcap(const std::string& path, const std::vector<Frame>& frames)
{
    std::ofstream out(path, std::ios::binary);
    uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    out.write(reinterpret_cast<const char*>(header), sizeof(header));
    for (const Frame& frame : frames)
    {
        uint32_t record[4] = {0,
                              0,
                              static_cast<uint32_t>(frame.size()),
                              static_cast<uint32_t>(frame.size())};
        out.write(reinterpret_cast<const char*>(record), sizeof(record));
        out.write(reinterpret_cast<const char*>(frame.data()),
                  static_cast<std::streamsize>(frame.size()));
    }
}

/**
 * Reads the frames of a pcap file written in this machine's byte order.
 * \param path the file
 * \return the frames
 */
std::vector<Frame>
ReadPcap(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<Frame> frames;
    uint32_t header[6];
    if (!in.read(reinterpret_cast<char*>(header), sizeof(header)))
    {
        return frames;
    }
    uint32_t record[4];
    while (in.read(reinterpret_cast<char*>(record), sizeof(record)))
    {
        Frame frame(record[2]);
        in.read(reinterpret_cast<char*>(frame.data()), record[2]);
        frames.push_back(frame);
    }
    return frames;
}

} // namespace

int
main()
{
    char folderTemplate[] = "/tmp/marl-lb-dpdk-test.XXXXXX";
    if (!mkdtemp(folderTemplate))
    {
        std::printf("cannot create a temporary folder\n");
        return 1;
    }
    std::string folder = folderTemplate;
    std::string inPath = folder + "/in.pcap";
    std::string outPath = folder + "/out.pcap";

    // The client's frames, then frames with bad framing.
    Frame arpRequest = Ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, CLIENT_MAC, 0x0806);
    Frame arpBody = {0, 1, 8, 0, 6, 4, 0, 1};
    arpBody.insert(arpBody.end(), CLIENT_MAC.begin(), CLIENT_MAC.end());
    arpBody.insert(arpBody.end(), CLIENT_IP.begin(), CLIENT_IP.end());
    arpBody.insert(arpBody.end(), 6, 0);
    arpBody.insert(arpBody.end(), NODE_IP.begin(), NODE_IP.end());
    arpRequest.insert(arpRequest.end(), arpBody.begin(), arpBody.end());
    std::vector<Frame> packets = {TcpPacket(0x02, 1), TcpPacket(0x10, 2), TcpPacket(0x14, 3)};
    std::vector<Frame> frames = {arpRequest};
    for (const Frame& packet : packets)
    {
        Frame frame = Ethernet(NODE_MAC, CLIENT_MAC, 0x0800);
        frame.insert(frame.end(), packet.begin(), packet.end());
        frames.push_back(frame);
    }
    Frame runt(10, 0xee);
    Frame garbage = Ethernet(NODE_MAC, CLIENT_MAC, 0x0800);
    garbage.insert(garbage.end(), 46, 0xf7);
    Frame truncated = Ethernet(NODE_MAC, CLIENT_MAC, 0x0800);
    Frame longPacket = TcpPacket(0x10, 4, 1320); // 1320 bytes announced in a 54-byte frame
    truncated.insert(truncated.end(), longPacket.begin(), longPacket.end());
    Frame oversized = Ethernet(NODE_MAC, CLIENT_MAC, 0x0800);
    oversized.resize(2000, 0);
    frames.insert(frames.end(), {runt, garbage, truncated, oversized});
    WritePcap(inPath, frames);

    // The EAL, with a pcap virtual device and no huge pages or PCI.
    EmulationHelper::EnableRealtime();
    std::string error;
    std::vector<std::string> eal = {"--no-huge",
                                    "--no-pci",
                                    "-m",
                                    "128",
                                    "--no-shconf",
                                    "--file-prefix=marl-lb-test-" + std::to_string(getpid()),
                                    "-l",
                                    "0",
                                    "--log-level=*:error",
                                    "--vdev=net_pcap0,rx_pcap=" + inPath + ",tx_pcap=" + outPath};
    if (!DpdkNetDevice::InitializeEal(eal, error))
    {
        std::printf("SKIPPED: the DPDK EAL cannot start here (%s)\n", error.c_str());
        return 77;
    }

    // The load-balancer node on the DPDK port.
    Ptr<Node> node = CreateObject<Node>();
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(node);
    Ptr<DpdkNetDevice> device = CreateObject<DpdkNetDevice>();
    device->SetAttribute("DeviceName", StringValue("net_pcap0"));
    device->SetAddress(Mac48Address("02:00:00:00:00:02"));
    node->AddDevice(device);
    Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>();
    int32_t interface = ipv4->AddInterface(device);
    ipv4->AddAddress(interface, Ipv4InterfaceAddress("10.200.0.2", "255.255.255.0"));
    ipv4->SetUp(interface);
    // The pcap input cannot reply to ARP, so the server's MAC is a permanent entry. The ARP cache
    // is flushed when the device's link comes up, so the entry is added right after that.
    Ptr<ArpCache> arpCache = ipv4->GetInterface(interface)->GetArpCache();
    device->AddLinkChangeCallback(MakeBoundCallback(
        +[](Ptr<ArpCache> cache) {
            ArpCache::Entry* entry = cache->Add("10.200.0.101");
            entry->SetMacAddress(Mac48Address("02:00:00:00:00:65"));
            entry->MarkPermanent();
        },
        arpCache));

    Ptr<LoadBalancer> loadBalancer = CreateObject<LoadBalancer>();
    loadBalancer->SetAttribute("Vip", Ipv4AddressValue("10.200.1.1"));
    loadBalancer->GetDataPlane()->SetAttribute("Policy", StringValue("ns3::SedPolicy"));
    loadBalancer->AddServer("10.200.0.101", 1);
    node->AddApplication(loadBalancer);
    uint64_t started = 0;
    uint64_t endedByReset = 0;
    loadBalancer->GetDataPlane()->TraceConnectWithoutContext(
        "ServerSelected",
        MakeBoundCallback(
            +[](uint64_t* count, const FlowKey&, uint32_t, bool bySyn) {
                *count += bySyn ? 1 : 0;
            },
            &started));
    loadBalancer->GetDataPlane()->TraceConnectWithoutContext(
        "FlowEnded",
        MakeBoundCallback(
            +[](uint64_t* count, const FlowKey&, uint32_t, Time, int cause) {
                *count += cause == LbDataPlane::FLOW_END_RST ? 1 : 0;
            },
            &endedByReset));

    EmulationHelper emulation;
    RealtimeLag lag = emulation.Run(Seconds(1));
    std::printf("lag: max %.3f ms, mean %.3f ms\n",
                lag.maximum.GetSeconds() * 1000,
                lag.mean.GetSeconds() * 1000);
    uint64_t accepted = device->GetAcceptedFrames();
    std::vector<uint64_t> dropped;
    for (int v = 0; v < FRAME_VERDICT_COUNT; ++v)
    {
        dropped.push_back(device->GetDroppedFrames(static_cast<FrameVerdict>(v)));
    }
    uint64_t forwarded = loadBalancer->GetForwardedPackets();
    for (int v = 1; v < FRAME_VERDICT_COUNT; ++v)
    {
        std::printf("dropped %s: %llu\n",
                    FrameVerdictName(static_cast<FrameVerdict>(v)),
                    static_cast<unsigned long long>(dropped[v]));
    }
    std::printf("forwarded %llu, transmit failures %llu\n",
                static_cast<unsigned long long>(forwarded),
                static_cast<unsigned long long>(device->GetTransmitFailures()));
    Simulator::Destroy(); // stops the port, which flushes out.pcap
    DpdkNetDevice::CleanupEal();

    // What the node sent.
    std::vector<Frame> sent = ReadPcap(outPath);

    std::vector<Frame> arpReplies;
    std::vector<Frame> greFrames;
    for (const Frame& frame : sent)
    {
        if (frame.size() >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 2)
        {
            arpReplies.push_back(frame);
        }
        if (frame.size() >= 38 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == 47)
        {
            greFrames.push_back(frame);
        }
    }
    Check(accepted == 4,
          "4 well-formed frames reached the node (" + std::to_string(accepted) + ")");
    Check(arpReplies.size() == 1, "the node answered the ARP request once");
    if (arpReplies.size() == 1)
    {
        Frame reply = arpReplies[0];
        Check(Frame(reply.begin(), reply.begin() + 6) == CLIENT_MAC
                  && Frame(reply.begin() + 22, reply.begin() + 28) == NODE_MAC
                  && Frame(reply.begin() + 28, reply.begin() + 32) == NODE_IP,
              "the ARP reply gives the node's MAC for 10.200.0.2 to the client");
    }
    Check(forwarded == 3 && greFrames.size() == 3,
          "the SYN, ACK and RST left in GRE (" + std::to_string(greFrames.size()) + " frames)");
    for (std::size_t i = 0; i < greFrames.size() && i < packets.size(); ++i)
    {
        const Frame& frame = greFrames[i];
        bool toServer = Frame(frame.begin(), frame.begin() + 6) == SERVER_MAC
                     && Frame(frame.begin() + 30, frame.begin() + 34) == SERVER_IP
                     && Frame(frame.begin() + 26, frame.begin() + 30) == NODE_IP;
        bool greHeader = frame[34] == 0 && frame[35] == 0 && frame[36] == 0x08 && frame[37] == 0;
        std::size_t outerLength = static_cast<std::size_t>((frame[16] << 8) | frame[17]);
        Frame inner(frame.begin() + 38,
                    frame.begin() + 14 + std::min(outerLength, frame.size() - 14));
        Check(toServer && greHeader, "GRE packet " + std::to_string(i) + " goes to the server");
        Check(inner == packets[i],
              "GRE packet " + std::to_string(i) + " carries the client's packet byte for byte");
    }
    Check(started == 1 && endedByReset == 1,
          "the flow table saw the flow start at the SYN and end at the RST");
    Check(dropped[FRAME_RUNT] == 1, "the 10-byte frame was dropped as a runt");
    Check(dropped[FRAME_BAD_IPV4] == 1, "the garbage frame was dropped as bad IPv4");
    Check(dropped[FRAME_TRUNCATED_IPV4] == 1, "the truncated packet was dropped as truncated IPv4");
    Check(dropped[FRAME_OVERSIZED] == 1, "the 2000-byte frame was dropped as oversized");

    std::remove(inPath.c_str());
    std::remove(outPath.c_str());
    rmdir(folder.c_str());
    std::printf("%d checks failed\n", g_failures);
    return g_failures == 0 ? 0 : 1;
}
