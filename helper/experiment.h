/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_EXPERIMENT_H
#define MARL_LB_EXPERIMENT_H

#include "request-record.h"
#include "request-trace.h"
#include "result-store.h"
#include "testbed-helper.h"

#include "ns3/nstime.h"
#include "ns3/ptr.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief One load-balancing method of the study, as the examples name it.
 */
struct MethodSpec
{
    std::string name;            //!< command-line name, such as "sed"
    std::string label;           //!< name as the study prints it, such as "SED"
    std::string policy;          //!< TypeId name of the policy; empty if not implemented yet
    bool busyWorkerProbe{false}; //!< true if the load balancers probe the servers (AWCMP)
    /// TypeId name of the learning agent on each load balancer; empty for none.
    std::string agent;
    /// Number of load balancers the method needs; 0 keeps the testbed's (RLB-S-SAC uses 1).
    uint32_t loadBalancers{0};
};

/**
 * \ingroup marl-lb
 * \brief Lists the study's methods in the order its tables print them.
 * \return every method, implemented or not
 */
const std::vector<MethodSpec>& GetStudyMethods();

/**
 * \ingroup marl-lb
 * \brief Turns a comma-separated list of method names into methods.
 *
 * Stops the program with a message listing the valid names if a name is unknown, and with one
 * listing the implemented methods if a known method is not implemented yet.
 * \param list such as "ecmp,sed"; "all" means every implemented method without a learning
 *        agent (the RLB methods must be named)
 * \param option the command-line option, for messages
 * \return the methods, in the list's order
 */
std::vector<MethodSpec> ParseMethodList(const std::string& list, const std::string& option);

/**
 * \ingroup marl-lb
 * \brief What one simulation of one method measured.
 */
struct ExperimentResult
{
    MethodSpec method;                          //!< the method
    std::vector<RequestRecord> records;         //!< every request
    std::vector<Testbed::ServerSample> samples; //!< periodic server samples
    std::vector<uint32_t> serverCpus;           //!< CPUs of each server
    /// Weight changes: load balancer, server, time, weight.
    struct WeightChange
    {
        uint32_t loadBalancer; //!< the load balancer
        uint32_t server;       //!< the server
        Time time;             //!< when the weight took effect
        double weight;         //!< the weight
    };
    std::vector<WeightChange> weights; //!< every weight that took effect
    Time simulated;                    //!< simulated time of the run
    double wallSeconds{0};             //!< wall-clock time of the run
    uint64_t events{0};                //!< events the simulator executed
    int64_t runId{-1};                 //!< id in the result database, -1 if none
};

/**
 * \ingroup marl-lb
 * \brief Runs one method on a testbed with a trace, and optionally stores the results.
 */
class ExperimentRunner
{
  public:
    /**
     * \brief Creates a runner for a testbed configuration.
     * \param testbed the configuration; the runner sets the policy and the probes per method
     */
    explicit ExperimentRunner(TestbedHelper testbed);

    /**
     * \brief Stores every run in a database.
     * \param store the database, or nullptr for none
     * \param example name of the calling program
     * \param parameters the caller's parameters, stored with each run
     */
    void SetResultStore(Ptr<ResultStore> store,
                        const std::string& example,
                        const std::map<std::string, std::string>& parameters);

    /**
     * \brief Prints progress on stderr while a run goes: simulated time, events per second
     * and the estimated wall time left.
     * \param interval simulated time between two progress lines; zero turns progress off
     */
    void SetProgressInterval(Time interval);

    /**
     * \brief Builds the testbed, replays the trace with one method, and collects the results.
     * \param method the method
     * \param trace the requests, with times from zero
     * \param drain time after the trace's end before unfinished requests count as failed
     * \param seed ns-3 random seed
     * \param run ns-3 run number
     * \return the measurements
     */
    ExperimentResult Run(const MethodSpec& method,
                         const RequestTrace& trace,
                         Time drain,
                         uint32_t seed,
                         uint32_t run);

    /// \return the testbed configuration
    TestbedHelper& GetTestbedHelper();

  private:
    /**
     * \brief Prints one progress line and schedules the next.
     * \param stop when the run ends
     */
    void ReportProgress(Time stop);

    TestbedHelper m_testbed;                         //!< testbed configuration
    Ptr<ResultStore> m_store;                        //!< result database, may be null
    std::string m_example;                           //!< calling program
    std::map<std::string, std::string> m_parameters; //!< caller's parameters
    Time m_progressInterval;                         //!< zero: no progress lines
    double m_wallStart{0};                           //!< wall clock at the run's start
    std::string m_label;                             //!< method of the run in progress
};

/**
 * \ingroup marl-lb
 * \brief Calibrates the CPU time per for-loop iteration for a target load.
 *
 * cost = load * CPUs / (requests per second * mean iterations), over the trace's duration.
 * \param trace the requests
 * \param duration the replayed duration
 * \param totalCpus the servers' CPUs
 * \param load target fraction of the CPU capacity
 * \return the cost per iteration, rounded to the simulator's time resolution
 */
Time CalibrateIterationCost(const RequestTrace& trace,
                            Time duration,
                            uint32_t totalCpus,
                            double load);

/**
 * \ingroup marl-lb
 * \brief Prints the column names of PrintSummary().
 * \param os the stream
 * \param printSpeed true if the lines end with the simulation speed
 */
void PrintSummaryHeader(std::ostream& os, bool printSpeed);

/**
 * \ingroup marl-lb
 * \brief Prints the summary of one run in two lines.
 *
 * The first line has requests, completed, failed, mean, p50, p90 and p99 JCT in ms, requests
 * per server and optionally the simulation speed. The second has, per group of servers with
 * equal CPUs, its share of the requests and its mean busy workers per server.
 * \param os the stream
 * \param result the run
 * \param printSpeed true to end the first line with simulated seconds per wall second, which
 *        makes the output depend on the machine
 */
void PrintSummary(std::ostream& os, const ExperimentResult& result, bool printSpeed);

} // namespace ns3

#endif // MARL_LB_EXPERIMENT_H
