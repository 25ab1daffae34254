/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_RESULT_STORE_H
#define MARL_LB_RESULT_STORE_H

#include "request-record.h"

#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

class SQLiteOutput;

/**
 * \ingroup marl-lb
 * \brief Stores runs, their requests, server samples and agent steps in an SQLite database,
 * through ns-3's SQLiteOutput.
 *
 * Many runs append to one file. Each run gets a row in `runs` with its parameters; the other
 * tables refer to it by run_id. The schema is documented in doc/marl-lb.rst ("Result
 * database") and recorded in the `meta` table, so a file written by another program is
 * recognised and rejected instead of being mixed with ours.
 *
 * Rows are buffered and written in transactions of up to FLUSH_ROWS rows, and at EndRun(), so
 * a run that crashes keeps everything measured up to its last flush, and its runs row stays
 * at status 'running'.
 */
class ResultStore : public SimpleRefCount<ResultStore>
{
  public:
    /// Rows buffered before a transaction is written.
    static constexpr std::size_t FLUSH_ROWS = 1000;
    /// Identifies the schema in the meta table.
    static constexpr const char* SCHEMA_NAME = "marl-lb-results";
    /// Version of the schema this code writes.
    static constexpr int SCHEMA_VERSION = 1;

    /// One periodic sample of a server.
    struct ServerSampleRow
    {
        Time time;            //!< when it was taken
        uint32_t server;      //!< the server's index
        uint32_t busyWorkers; //!< workers holding a connection
        uint32_t backlog;     //!< connections in the accept queue
    };

    /**
     * \brief Checks that a path can hold results, without changing anything.
     *
     * Fails when the folder does not exist or is not writable, when the file exists but is not
     * an SQLite database, is locked by another process, holds tables of another program, or
     * holds a newer schema.
     * \param path the database file
     * \return an empty string if the path is usable, otherwise what is wrong and what to do
     */
    static std::string Check(const std::string& path);

    /**
     * \brief Opens or creates a database; stops the program with Check()'s message if the path
     * is not usable.
     * \param path the database file
     */
    explicit ResultStore(const std::string& path);
    ~ResultStore();

    /**
     * \brief Starts a run.
     * \param example name of the program that runs it
     * \param parameters every parameter of the run, by name; "method", "seed" and "run" are
     *        also stored in their own columns
     * \return the run's id
     */
    int64_t BeginRun(const std::string& example,
                     const std::map<std::string, std::string>& parameters);

    /**
     * \brief Buffers one request's record.
     * \param run the run's id
     * \param record the record
     */
    void AddRequest(int64_t run, const RequestRecord& record);

    /**
     * \brief Buffers one server sample.
     * \param run the run's id
     * \param sample the sample
     */
    void AddServerSample(int64_t run, const ServerSampleRow& sample);

    /**
     * \brief Buffers one step of a learning agent.
     * \param run the run's id
     * \param time simulated time of the step
     * \param agent the agent's index (its load balancer)
     * \param observation the observation vector
     * \param action the action (one weight per server)
     * \param reward the reward of the step
     */
    void AddAgentStep(int64_t run,
                      Time time,
                      uint32_t agent,
                      const std::vector<double>& observation,
                      const std::vector<double>& action,
                      double reward);

    /**
     * \brief Writes every buffered row and marks the run complete.
     * \param run the run's id
     * \param wallSeconds wall-clock time the run took
     */
    void EndRun(int64_t run, double wallSeconds);

    /// Writes every buffered row in one transaction.
    void Flush();

    /**
     * \brief Reads the requests of a run back.
     * \param run the run's id
     * \return the records, in the order they were added
     */
    std::vector<RequestRecord> ReadRequests(int64_t run) const;

    /**
     * \return the ids of every run in the database, in order
     */
    std::vector<int64_t> ReadRunIds() const;

    /**
     * \param run the run's id
     * \return the run's status: "running" or "complete"
     */
    std::string ReadRunStatus(int64_t run) const;

    /// \return the database file
    const std::string& GetPath() const;

  private:
    /// Creates the tables if the file is new.
    void CreateSchema();

    std::string m_path;                                         //!< the database file
    Ptr<SQLiteOutput> m_db;                                     //!< the connection
    std::vector<std::pair<int64_t, RequestRecord>> m_requests;  //!< buffered requests
    std::vector<std::pair<int64_t, ServerSampleRow>> m_samples; //!< buffered samples
    /// Buffered agent steps: run, time, agent, observation, action, reward.
    struct AgentStepRow
    {
        int64_t run;             //!< the run's id
        Time time;               //!< time of the step
        uint32_t agent;          //!< the agent
        std::string observation; //!< observation as a JSON array
        std::string action;      //!< action as a JSON array
        double reward;           //!< reward
    };
    std::vector<AgentStepRow> m_steps; //!< buffered agent steps
};

} // namespace ns3

#endif // MARL_LB_RESULT_STORE_H
