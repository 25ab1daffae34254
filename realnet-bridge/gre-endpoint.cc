/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * User-space GRE endpoint of an application server, for kernels without GRE support.
 *
 * \verbatim
 *   load balancer --GRE (IP proto 47)--> raw socket --DecapsulateGre()--> TUN --> kernel
 *                                                                                  |
 *                                          Apache on the VIP (loopback) <----------+
 * \endverbatim
 *
 * The program runs inside a server's network namespace. It receives every IPv4 datagram of
 * protocol 47 addressed to the namespace on a raw socket, checks and strips the outer IPv4 and
 * RFC 2784 GRE headers, and writes the inner IPv4 packet into a TUN device (IFF_TUN,
 * IFF_NO_PI). The kernel then receives the client's packet on that device and, as the VIP sits
 * on the loopback device, delivers it to the local TCP; the reply leaves straight to the
 * client. The TUN device may exist already (a persistent device made by `ip tuntap add`);
 * otherwise the program creates it and it disappears when the program ends.
 *
 * Malformed datagrams are counted by cause and dropped. The counters are printed on SIGUSR1
 * and, before the program exits, on SIGINT or SIGTERM.
 *
 * Usage: marl-lb-gre-endpoint --tun=NAME [--quiet]
 */

#include "gre-decap.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace
{

constexpr std::size_t RECEIVE_BUFFER = 65536; //!< larger than any IPv4 datagram
constexpr int POLL_TIMEOUT_MS = 200;          //!< how often the signal flags are checked

volatile std::sig_atomic_t g_stop = 0;  //!< set by SIGINT and SIGTERM
volatile std::sig_atomic_t g_print = 0; //!< set by SIGUSR1

/// Counters of the endpoint.
struct Counters
{
    uint64_t received{0};                                         //!< datagrams read
    uint64_t delivered{0};                                        //!< inner packets written
    uint64_t writeErrors{0};                                      //!< writes to the TUN that failed
    std::size_t largestDatagram{0};                               //!< bytes, outer header included
    std::array<uint64_t, marllb::GRE_DECAP_RESULT_COUNT> drops{}; //!< by cause
};

/**
 * Records a stop or print request.
 * \param signal the signal number
 */
void
HandleSignal(int signal)
{
    if (signal == SIGUSR1)
    {
        g_print = 1;
    }
    else
    {
        g_stop = 1;
    }
}

/**
 * Prints the counters on one line each, as "name value".
 * \param counters the counters
 */
void
PrintCounters(const Counters& counters)
{
    std::printf("gre-endpoint received %llu\n", static_cast<unsigned long long>(counters.received));
    std::printf("gre-endpoint delivered %llu\n",
                static_cast<unsigned long long>(counters.delivered));
    std::printf("gre-endpoint write-errors %llu\n",
                static_cast<unsigned long long>(counters.writeErrors));
    std::printf("gre-endpoint largest-datagram %zu\n", counters.largestDatagram);
    for (int i = marllb::GRE_DECAP_OK + 1; i < marllb::GRE_DECAP_RESULT_COUNT; ++i)
    {
        std::printf("gre-endpoint drop-%s %llu\n",
                    marllb::GreDecapResultName(static_cast<marllb::GreDecapResult>(i)),
                    static_cast<unsigned long long>(counters.drops[i]));
    }
    std::fflush(stdout);
}

/**
 * Opens or creates a TUN device and brings it up.
 * \param name the device name
 * \return the file descriptor, or -1 after printing why
 */
int
OpenTun(const std::string& name)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
    {
        std::fprintf(stderr,
                     "gre-endpoint: TUN name '%s' must have 1 to %d characters\n",
                     name.c_str(),
                     IFNAMSIZ - 1);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
    {
        std::fprintf(stderr,
                     "gre-endpoint: cannot open /dev/net/tun (%s); load the tun module and run "
                     "as root\n",
                     std::strerror(errno));
        return -1;
    }
    struct ifreq request;
    std::memset(&request, 0, sizeof(request));
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) < 0)
    {
        std::fprintf(stderr,
                     "gre-endpoint: TUNSETIFF on '%s' failed (%s); a device of that name that "
                     "is not a TUN device (or has packet information on) is in the way\n",
                     name.c_str(),
                     std::strerror(errno));
        close(fd);
        return -1;
    }
    int control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool up = control >= 0 && ioctl(control, SIOCGIFFLAGS, &request) == 0;
    if (up)
    {
        request.ifr_flags |= IFF_UP;
        up = ioctl(control, SIOCSIFFLAGS, &request) == 0;
    }
    if (control >= 0)
    {
        close(control);
    }
    if (!up)
    {
        std::fprintf(stderr,
                     "gre-endpoint: cannot bring '%s' up (%s)\n",
                     name.c_str(),
                     std::strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string tunName;
    bool quiet = false;
    for (int i = 1; i < argc; ++i)
    {
        std::string argument = argv[i];
        if (argument.rfind("--tun=", 0) == 0)
        {
            tunName = argument.substr(6);
        }
        else if (argument == "--quiet")
        {
            quiet = true;
        }
        else
        {
            std::fprintf(stderr,
                         "gre-endpoint: unknown argument '%s'\nusage: %s --tun=NAME [--quiet]\n",
                         argument.c_str(),
                         argv[0]);
            return 2;
        }
    }
    if (tunName.empty())
    {
        std::fprintf(stderr, "usage: %s --tun=NAME [--quiet]\n", argv[0]);
        return 2;
    }

    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = HandleSignal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGUSR1, &action, nullptr);

    int tun = OpenTun(tunName);
    if (tun < 0)
    {
        return 1;
    }
    int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
    if (raw < 0)
    {
        std::fprintf(stderr,
                     "gre-endpoint: cannot open a raw socket for IP protocol 47 (%s); run as "
                     "root or with CAP_NET_RAW\n",
                     std::strerror(errno));
        close(tun);
        return 1;
    }
    if (!quiet)
    {
        std::printf("gre-endpoint ready on %s\n", tunName.c_str());
        std::fflush(stdout);
    }

    Counters counters;
    std::array<uint8_t, RECEIVE_BUFFER> buffer;
    struct pollfd waiting = {raw, POLLIN, 0};
    while (!g_stop)
    {
        if (g_print)
        {
            g_print = 0;
            PrintCounters(counters);
        }
        int ready = poll(&waiting, 1, POLL_TIMEOUT_MS);
        if (ready <= 0)
        {
            continue;
        }
        ssize_t length = recv(raw, buffer.data(), buffer.size(), 0);
        if (length < 0)
        {
            if (errno != EINTR && errno != EAGAIN)
            {
                std::fprintf(stderr, "gre-endpoint: recv failed (%s)\n", std::strerror(errno));
                break;
            }
            continue;
        }
        counters.received++;
        if (static_cast<std::size_t>(length) > counters.largestDatagram)
        {
            counters.largestDatagram = static_cast<std::size_t>(length);
        }
        marllb::GreDecapView view;
        marllb::GreDecapResult result =
            marllb::DecapsulateGre(buffer.data(), static_cast<std::size_t>(length), view);
        if (result != marllb::GRE_DECAP_OK)
        {
            counters.drops[result]++;
            continue;
        }
        if (write(tun, view.inner, view.innerLength) != static_cast<ssize_t>(view.innerLength))
        {
            counters.writeErrors++;
            continue;
        }
        counters.delivered++;
    }

    PrintCounters(counters);
    close(raw);
    close(tun);
    return 0;
}
