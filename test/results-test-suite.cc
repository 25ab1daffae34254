/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of the SQLite result store: what a run writes, what reads back, several runs in one
// file, and the paths and files that must be rejected before a simulation starts.

#include "ns3/marl-lb-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sqlite3.h>
#include <sstream>
#include <unistd.h>

using namespace ns3;

namespace
{

/// Counts rows of a query's first column, with a plain connection.
int64_t
QueryInteger(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    int64_t value = -1;
    if (sqlite3_step(statement) == SQLITE_ROW)
    {
        value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

/// Runs a short overloaded testbed so that requests complete and fail, and returns its records.
std::vector<RequestRecord>
RunShortTestbed(std::vector<Testbed::ServerSample>* samples)
{
    TestbedHelper helper;
    helper.SetLoadBalancerCount(1);
    helper.SetServerCpus({1});
    helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(50)));
    helper.SetServerAttribute("MaxWorkers", UintegerValue(2));
    helper.SetServerAttribute("Backlog", UintegerValue(2));
    Ptr<Testbed> testbed = helper.Build();
    std::vector<TraceRequest> requests;
    for (int i = 0; i < 30; ++i)
    {
        // 20 ms of work every 5 ms on one CPU: the backlog overflows and some are reset.
        requests.push_back({MilliSeconds(5 * i), "/dummy.php/?n=400000"});
    }
    // Two long requests that are still running at the stop.
    requests.push_back({MilliSeconds(400), "/dummy.php/?n=100000000"});
    testbed->ReplayTrace(RequestTrace(requests, "test"), Seconds(0), Seconds(1));
    testbed->EnableServerSampling(MilliSeconds(200), Seconds(1));
    Simulator::Stop(Seconds(1) + MilliSeconds(1));
    Simulator::Run();
    auto records = testbed->CollectRecords();
    *samples = testbed->GetServerSamples();
    Simulator::Destroy();
    return records;
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * Base of the result-store cases: fresh database paths in the runner's temporary folder.
 */
class ResultStoreTestCase : public TestCase
{
  public:
    /// \param name the case's description
    explicit ResultStoreTestCase(const std::string& name)
        : TestCase(name)
    {
    }

  protected:
    /// \return a path in the temporary folder where no file exists
    std::string FreshPath(const std::string& name)
    {
        std::string path = CreateTempDirFilename(name);
        std::remove(path.c_str());
        return path;
    }
};

/**
 * \ingroup marl-lb-tests
 * A run's rows match its requests outcome by outcome, and read back to the same statistics.
 */
class ResultRowsTestCase : public ResultStoreTestCase
{
  public:
    ResultRowsTestCase()
        : ResultStoreTestCase("Stored rows equal the replayed requests, outcome by outcome")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<Testbed::ServerSample> samples;
        auto records = RunShortTestbed(&samples);
        JctSummary printed(records);
        NS_TEST_ASSERT_MSG_GT(printed.GetCount(RequestOutcome::RESET), 0, "the run has resets");
        NS_TEST_ASSERT_MSG_GT(printed.GetCount(RequestOutcome::UNFINISHED), 0, "and unfinished");

        std::string path = FreshPath("rows.db");
        auto store = Create<ResultStore>(path);
        int64_t run = store->BeginRun("test", {{"method", "sed"}, {"seed", "3"}, {"run", "2"}});
        for (const auto& record : records)
        {
            store->AddRequest(run, record);
        }
        for (const auto& sample : samples)
        {
            store->AddServerSample(
                run,
                {sample.time, sample.server, sample.busyWorkers, sample.backlog});
        }
        store->AddAgentStep(run, Seconds(1), 0, {0.5, 1.5}, {1.0, 2.0}, 0.25);
        store->EndRun(run, 1.5);

        NS_TEST_ASSERT_MSG_EQ(QueryInteger(path, "SELECT COUNT(*) FROM requests"),
                              static_cast<int64_t>(records.size()),
                              "one row per request");
        for (auto outcome : {RequestOutcome::COMPLETED,
                             RequestOutcome::RESET,
                             RequestOutcome::UNFINISHED,
                             RequestOutcome::CONNECT_FAILED})
        {
            std::string name = RequestOutcomeName(outcome);
            NS_TEST_ASSERT_MSG_EQ(
                QueryInteger(path, "SELECT COUNT(*) FROM requests WHERE outcome = '" + name + "'"),
                static_cast<int64_t>(printed.GetCount(outcome)),
                "rows with outcome " << name);
        }
        NS_TEST_ASSERT_MSG_EQ(QueryInteger(path, "SELECT COUNT(*) FROM server_samples"),
                              static_cast<int64_t>(samples.size()),
                              "one row per server sample");
        NS_TEST_ASSERT_MSG_EQ(QueryInteger(path, "SELECT COUNT(*) FROM agent_steps"), 1, "step");
        NS_TEST_ASSERT_MSG_EQ(QueryInteger(path, "SELECT seed FROM runs"), 3, "seed column");
        NS_TEST_ASSERT_MSG_EQ(store->ReadRunStatus(run), "complete", "run marked complete");

        JctSummary readBack(store->ReadRequests(run));
        NS_TEST_ASSERT_MSG_EQ(readBack.GetRequests(), printed.GetRequests(), "requests");
        NS_TEST_ASSERT_MSG_EQ(readBack.GetCompleted(), printed.GetCompleted(), "completed");
        NS_TEST_ASSERT_MSG_EQ_TOL(readBack.GetMeanMs(), printed.GetMeanMs(), 1e-6, "mean JCT");
        NS_TEST_ASSERT_MSG_EQ_TOL(readBack.GetPercentileMs(90),
                                  printed.GetPercentileMs(90),
                                  1e-6,
                                  "90th percentile JCT");
    }
};

/**
 * \ingroup marl-lb-tests
 * Two runs written to one file are both kept, and buffered rows reach the file at the flush.
 */
class TwoRunsTestCase : public ResultStoreTestCase
{
  public:
    TwoRunsTestCase()
        : ResultStoreTestCase("Two runs into one file keep both")
    {
    }

  private:
    void DoRun() override
    {
        std::string path = FreshPath("two.db");
        RequestRecord record;
        record.url = "/dummy.php/?n=1";
        record.outcome = RequestOutcome::COMPLETED;
        record.end = MilliSeconds(5);
        {
            auto store = Create<ResultStore>(path);
            int64_t first = store->BeginRun("test", {{"method", "ecmp"}});
            store->AddRequest(first, record);
            store->EndRun(first, 0.1);
        }
        {
            auto store = Create<ResultStore>(path);
            int64_t second = store->BeginRun("test", {{"method", "sed"}});
            store->AddRequest(second, record);
            store->AddRequest(second, record);
            // No EndRun: the destructor still flushes, and the run stays 'running'.
        }
        auto store = Create<ResultStore>(path);
        auto runs = store->ReadRunIds();
        NS_TEST_ASSERT_MSG_EQ(runs.size(), 2, "both runs kept");
        NS_TEST_ASSERT_MSG_EQ(store->ReadRequests(runs[0]).size(), 1, "first run's rows");
        NS_TEST_ASSERT_MSG_EQ(store->ReadRequests(runs[1]).size(), 2, "second run's rows");
        NS_TEST_ASSERT_MSG_EQ(store->ReadRunStatus(runs[1]), "running", "unfinished run marked");
    }
};

/**
 * \ingroup marl-lb-tests
 * Paths and files that cannot hold results are rejected with a reason, before any run.
 */
class RejectedPathsTestCase : public ResultStoreTestCase
{
  public:
    RejectedPathsTestCase()
        : ResultStoreTestCase("Unusable database paths are rejected with a reason")
    {
    }

  private:
    void DoRun() override
    {
        // A pseudo file system refuses new files even to root.
        std::string readOnly = ResultStore::Check("/sys/marl-lb-results.db");
        NS_TEST_ASSERT_MSG_NE(readOnly.find("cannot be created"), std::string::npos, readOnly);

        std::string noFolder = ResultStore::Check(CreateTempDirFilename("missing/results.db"));
        NS_TEST_ASSERT_MSG_NE(noFolder.find("does not exist"), std::string::npos, noFolder);

        std::string textPath = FreshPath("text.db");
        std::ofstream(textPath) << "time\tquery\n0.1\t/dummy.php/?n=1\n";
        std::string notSqlite = ResultStore::Check(textPath);
        NS_TEST_ASSERT_MSG_NE(notSqlite.find("not an SQLite database"),
                              std::string::npos,
                              notSqlite);

        std::string foreignPath = FreshPath("foreign.db");
        sqlite3* db = nullptr;
        sqlite3_open(foreignPath.c_str(), &db);
        sqlite3_exec(db, "CREATE TABLE customers (id INTEGER)", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        std::string foreign = ResultStore::Check(foreignPath);
        NS_TEST_ASSERT_MSG_NE(foreign.find("another program (customers)"),
                              std::string::npos,
                              foreign);

        std::string lockedPath = FreshPath("locked.db");
        Create<ResultStore>(lockedPath);
        sqlite3_open(lockedPath.c_str(), &db);
        sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr);
        std::string locked = ResultStore::Check(lockedPath);
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        NS_TEST_ASSERT_MSG_NE(locked.find("locked by another process"), std::string::npos, locked);

        NS_TEST_ASSERT_MSG_EQ(ResultStore::Check(lockedPath), "", "usable once unlocked");
        NS_TEST_ASSERT_MSG_EQ(ResultStore::Check(FreshPath("new.db")), "", "a new file");
    }
};

/**
 * \ingroup marl-lb-tests
 * Plot data files hold one point per CDF rank, sampling time and weight change.
 */
class PlotPointsTestCase : public ResultStoreTestCase
{
  public:
    PlotPointsTestCase()
        : ResultStoreTestCase("Plot data files hold the expected points")
    {
    }

  private:
    /// Counts the data points of a gnuplot data file: lines that start with a number.
    static uint32_t CountPoints(const std::string& path)
    {
        std::ifstream input(path);
        std::string line;
        uint32_t points = 0;
        while (std::getline(input, line))
        {
            if (!line.empty()
                && (std::isdigit(static_cast<unsigned char>(line[0])) || line[0] == '-'))
            {
                ++points;
            }
        }
        return points;
    }

    void DoRun() override
    {
        // Two methods: 1000 completed requests (the CDF keeps 500 points) and 120 requests,
        // 40 of them reset (80 points).
        ExperimentResult big;
        big.method = {"ecmp", "ECMP", "ns3::EcmpPolicy", false};
        big.serverCpus = {2, 2, 4};
        big.simulated = Seconds(2);
        for (uint32_t i = 0; i < 1000; ++i)
        {
            RequestRecord record;
            record.outcome = RequestOutcome::COMPLETED;
            record.end = MilliSeconds(1 + i);
            big.records.push_back(record);
        }
        // Samples at 10 times for 3 servers: 2 groups, 10 points each.
        for (uint32_t t = 0; t < 10; ++t)
        {
            for (uint32_t s = 0; s < 3; ++s)
            {
                big.samples.push_back({MilliSeconds(200 * t), s, s + t, 0});
            }
        }
        // Weight changes at load balancer 0 (counted) and 1 (not counted).
        big.weights = {{0, 1, Seconds(0.2), 1.5},
                       {0, 1, Seconds(0.4), 1.2},
                       {1, 0, Seconds(0.4), 3}};
        ExperimentResult small = big;
        small.method = {"sed", "SED", "ns3::SedPolicy", false};
        small.records.resize(120);
        for (uint32_t i = 0; i < 40; ++i)
        {
            small.records[i].outcome = RequestOutcome::RESET;
        }

        std::string prefix = FreshPath("plots");
        ResultPlots plots(prefix);
        plots.PlotJctCdf({big, small});
        plots.PlotBusyWorkers(big);
        plots.PlotWeights(big);
        NS_TEST_ASSERT_MSG_EQ(plots.GetScripts().size(), 3, "three scripts written");
        NS_TEST_ASSERT_MSG_EQ(CountPoints(prefix + "-jct-cdf.dat"), 500 + 80, "CDF points");
        NS_TEST_ASSERT_MSG_EQ(CountPoints(prefix + "-busy-workers-ecmp.dat"),
                              2 * 10,
                              "busy-worker points: 2 groups x 10 times");
        // Per server: the start, the changes at load balancer 0, and the end.
        NS_TEST_ASSERT_MSG_EQ(CountPoints(prefix + "-weights-ecmp.dat"),
                              3 * 2 + 2,
                              "weight points");
        std::ifstream script(prefix + "-jct-cdf.plt");
        std::stringstream text;
        text << script.rdbuf();
        NS_TEST_ASSERT_MSG_NE(text.str().find("plots-jct-cdf.png"), std::string::npos, "PNG name");
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of the result store.
 */
class ResultsTestSuite : public TestSuite
{
  public:
    ResultsTestSuite()
        : TestSuite("marl-lb-results", UNIT)
    {
        AddTestCase(new ResultRowsTestCase, TestCase::QUICK);
        AddTestCase(new TwoRunsTestCase, TestCase::QUICK);
        AddTestCase(new RejectedPathsTestCase, TestCase::QUICK);
        AddTestCase(new PlotPointsTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static ResultsTestSuite g_resultsTestSuite;
