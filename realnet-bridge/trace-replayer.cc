/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

/**
 * \file
 * \ingroup marl-lb
 * Real client of the real testbed: replays a request trace against the VIP, open loop.
 *
 * Each request of the trace (scaled by ScaleTrace()) opens its own TCP connection at its
 * trace time, whatever the earlier requests are doing, sends one HTTP/1.1 GET with
 * "Connection: close", reads the response to the end, and closes with RST (SO_LINGER 0), as
 * the study's clients did, so the load balancer takes RST as the end of each flow. The job
 * completion time runs from the connect call to the last byte of the response.
 *
 * Every request gets a record, whatever happened: COMPLETED (status 200 and the server closed
 * after the response), RESET, CONNECT_FAILED, CLOSED_EARLY (no status line), BAD_RESPONSE
 * (another status) or UNFINISHED (timeout). The records go to a CSV file with the columns of
 * the result database (WriteRequestRecords()); a summary goes to stdout.
 *
 * Example, in the client namespace of realnet-bridge/run-testbed.sh:
 *   marl-lb-realnet-replayer --trace=data/traces/poisson-for-loop-rate-400.csv \
 *       --vip=10.200.1.1 --time-scale=6 --work-scale=0.05 --duration=20 --out=requests.csv
 */

#include "jct-summary.h"
#include "realnet-records.h"
#include "realnet-trace.h"
#include "request-trace.h"

#include "ns3/core-module.h"

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace ns3;

namespace
{

using Clock = std::chrono::steady_clock; //!< monotonic clock of every measurement

/**
 * Seconds from an origin to a time point.
 * \param origin the origin
 * \param when the time point
 * \return the time as an ns-3 Time
 */
Time
Since(Clock::time_point origin, Clock::time_point when)
{
    return NanoSeconds(std::chrono::duration_cast<std::chrono::nanoseconds>(when - origin).count());
}

/**
 * Runs one request and fills in its record.
 * \param vip the service's address and port
 * \param timeout the longest the request may take
 * \param origin time zero of the replay
 * \param record [in,out] the record, with index, URL and scheduled time set
 */
void
RunRequest(const sockaddr_in& vip, Time timeout, Clock::time_point origin, RequestRecord& record)
{
    Clock::time_point start = Clock::now();
    record.start = Since(origin, start);
    record.end = record.start;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
    {
        record.outcome = RequestOutcome::CONNECT_FAILED;
        return;
    }
    struct linger reset = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    struct timeval limit;
    limit.tv_sec = static_cast<time_t>(timeout.GetSeconds());
    limit.tv_usec = static_cast<suseconds_t>(timeout.GetMicroSeconds() % 1000000);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));

    if (connect(fd, reinterpret_cast<const sockaddr*>(&vip), sizeof(vip)) < 0)
    {
        int error = errno;
        record.end = Since(origin, Clock::now());
        record.outcome = error == ECONNREFUSED || error == ECONNRESET
                           ? RequestOutcome::RESET
                           : RequestOutcome::CONNECT_FAILED;
        close(fd);
        return;
    }
    sockaddr_in local;
    socklen_t localLength = sizeof(local);
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &localLength);
    record.clientAddress = Ipv4Address(ntohl(local.sin_addr.s_addr));
    record.clientPort = ntohs(local.sin_port);

    char address[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &vip.sin_addr, address, sizeof(address));
    std::string request = "GET " + record.url + " HTTP/1.1\r\nHost: " + address
                        + "\r\nUser-Agent: marl-lb-realnet-replayer\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL)
        != static_cast<ssize_t>(request.size()))
    {
        record.end = Since(origin, Clock::now());
        record.outcome = RequestOutcome::RESET;
        close(fd);
        return;
    }

    std::string head;
    char buffer[16384];
    RequestOutcome outcome = RequestOutcome::COMPLETED;
    Clock::time_point lastByte = start;
    while (true)
    {
        ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
        if (got > 0)
        {
            lastByte = Clock::now();
            record.bytes += static_cast<uint64_t>(got);
            if (head.size() < 64)
            {
                head.append(buffer, static_cast<std::size_t>(std::min<ssize_t>(got, 64)));
            }
            continue;
        }
        if (got < 0)
        {
            outcome = errno == EAGAIN || errno == EWOULDBLOCK ? RequestOutcome::UNFINISHED
                                                              : RequestOutcome::RESET;
        }
        break;
    }
    record.end = Since(origin, outcome == RequestOutcome::COMPLETED ? lastByte : Clock::now());
    if (outcome == RequestOutcome::COMPLETED)
    {
        unsigned status = 0;
        if (head.rfind("HTTP/1.", 0) != 0
            || std::sscanf(head.c_str(), "HTTP/1.%*d %u", &status) != 1)
        {
            outcome = RequestOutcome::CLOSED_EARLY;
        }
        else
        {
            record.httpStatus = status;
            outcome = status == 200 ? RequestOutcome::COMPLETED : RequestOutcome::BAD_RESPONSE;
        }
    }
    record.outcome = outcome;
    close(fd); // SO_LINGER 0: the close sends RST
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string tracePath;
    std::string vipText = "10.200.1.1";
    uint32_t port = 80;
    double timeScale = 1;
    double workScale = 1;
    double duration = 0;
    double timeout = 30;
    std::string outPath;

    CommandLine cmd(__FILE__);
    cmd.AddValue("trace", "request trace: the study's CSV or WikiBench format", tracePath);
    cmd.AddValue("vip", "the service's virtual IP", vipText);
    cmd.AddValue("port", "the service's TCP port", port);
    cmd.AddValue("time-scale",
                 "factor on the trace's request times (6 makes 120/s about 20/s)",
                 timeScale);
    cmd.AddValue("work-scale", "factor on the for-loop counts, in (0, 1]", workScale);
    cmd.AddValue("duration", "seconds of the scaled trace to replay; 0 replays all", duration);
    cmd.AddValue("timeout", "seconds after which a request counts as unfinished", timeout);
    cmd.AddValue("out", "CSV file for the request records", outPath);
    cmd.Parse(argc, argv);

    if (tracePath.empty() || outPath.empty())
    {
        NS_FATAL_ERROR("--trace and --out are required");
    }
    if (!(timeout > 0))
    {
        NS_FATAL_ERROR("--timeout=" << timeout << " must be positive");
    }
    sockaddr_in vip;
    std::memset(&vip, 0, sizeof(vip));
    vip.sin_family = AF_INET;
    vip.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, vipText.c_str(), &vip.sin_addr) != 1)
    {
        NS_FATAL_ERROR("--vip=" << vipText << " is not an IPv4 address");
    }
    RequestTrace trace =
        ScaleTrace(RequestTrace::ReadFile(tracePath), timeScale, workScale, Seconds(duration));
    if (trace.GetSize() == 0)
    {
        NS_FATAL_ERROR("the scaled trace " << trace.GetName() << " is empty; raise --duration");
    }

    // Open loop: one thread per request, started at the request's time.
    std::vector<RequestRecord> records(trace.GetSize());
    std::vector<std::thread> threads;
    threads.reserve(trace.GetSize());
    Clock::time_point origin = Clock::now();
    for (std::size_t i = 0; i < trace.GetSize(); ++i)
    {
        const TraceRequest& request = trace.GetRequests()[i];
        records[i].index = i;
        records[i].url = request.url;
        records[i].scheduled = request.time;
        std::this_thread::sleep_until(origin
                                      + std::chrono::nanoseconds(request.time.GetNanoSeconds()));
        threads.emplace_back(RunRequest, vip, Seconds(timeout), origin, std::ref(records[i]));
    }
    for (std::thread& thread : threads)
    {
        thread.join();
    }

    std::ofstream output(outPath);
    if (!output)
    {
        NS_FATAL_ERROR("cannot write " << outPath << "; check the folder");
    }
    WriteRequestRecords(output, records);
    JctSummary summary(records);
    std::cout << "replayer requests " << summary.GetRequests() << "\n"
              << "replayer completed " << summary.GetCompleted() << "\n"
              << "replayer failed " << summary.GetFailed() << "\n"
              << "replayer mean-jct-ms " << summary.GetMeanMs() << "\n"
              << "replayer p99-jct-ms " << summary.GetPercentileMs(99) << std::endl;
    return 0;
}
