/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "result-store.h"

#include "ns3/fatal-error.h"
#include "ns3/log.h"
#include "ns3/sqlite-output.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unistd.h>

#ifndef MARL_LB_VERSION
#    define MARL_LB_VERSION "unknown"
#endif

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ResultStore");

namespace
{

/// Tables of the schema, in creation order.
const char* const SCHEMA_STATEMENTS[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs ("
    " run_id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " started_utc TEXT NOT NULL,"
    " module_version TEXT NOT NULL,"
    " example TEXT NOT NULL,"
    " method TEXT,"
    " seed INTEGER,"
    " run_number INTEGER,"
    " parameters TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " wall_seconds REAL)",
    "CREATE TABLE IF NOT EXISTS requests ("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
    " client INTEGER NOT NULL,"
    " request_index INTEGER NOT NULL,"
    " url TEXT NOT NULL,"
    " scheduled_s REAL NOT NULL,"
    " start_s REAL NOT NULL,"
    " end_s REAL NOT NULL,"
    " jct_ms REAL NOT NULL,"
    " bytes INTEGER NOT NULL,"
    " http_status INTEGER NOT NULL,"
    " outcome TEXT NOT NULL,"
    " load_balancer INTEGER,"
    " server INTEGER,"
    " client_port INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS server_samples ("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
    " time_s REAL NOT NULL,"
    " server INTEGER NOT NULL,"
    " busy_workers INTEGER NOT NULL,"
    " backlog INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS agent_steps ("
    " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
    " time_s REAL NOT NULL,"
    " agent INTEGER NOT NULL,"
    " observation TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " reward REAL NOT NULL)",
};

/// The tables this module writes.
const char* const OWN_TABLES[] = {"meta", "runs", "requests", "server_samples", "agent_steps"};

/**
 * Formats numbers as a JSON array.
 * \param values the numbers
 * \return the array text
 */
std::string
ToJsonArray(const std::vector<double>& values)
{
    std::ostringstream text;
    text << std::setprecision(9) << "[";
    for (std::size_t i = 0; i < values.size(); ++i)
    {
        text << (i > 0 ? "," : "") << values[i];
    }
    text << "]";
    return text.str();
}

/**
 * Runs a statement on a plain connection and fails on error.
 * \param db the connection
 * \param sql the statement
 * \param error [out] sqlite's message on failure
 * \return sqlite's result code
 */
int
ExecPlain(sqlite3* db, const std::string& sql, std::string& error)
{
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    if (message)
    {
        error = message;
        sqlite3_free(message);
    }
    return rc;
}

/// Closes a connection when it goes out of scope.
struct ConnectionCloser
{
    sqlite3* db; //!< the connection

    ~ConnectionCloser()
    {
        sqlite3_close(db);
    }
};

} // namespace

std::string
ResultStore::Check(const std::string& path)
{
    if (path.empty())
    {
        return "the database path is empty; give a file name such as results.db";
    }
    auto slash = path.find_last_of('/');
    std::string folder = slash == std::string::npos ? "." : path.substr(0, slash);
    if (folder.empty())
    {
        folder = "/";
    }
    if (access(folder.c_str(), F_OK) != 0)
    {
        return "folder " + folder + " of database " + path
             + " does not exist; create it or choose another --database path";
    }
    bool exists = access(path.c_str(), F_OK) == 0;
    if (!exists)
    {
        // Create and remove the file: permission bits alone do not tell, since root ignores
        // them, while read-only file systems and pseudo file systems still refuse.
        int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0)
        {
            return "database " + path + " cannot be created (" + std::strerror(errno)
                 + "); choose another --database path";
        }
        close(fd);
        unlink(path.c_str());
        return "";
    }
    int fd = open(path.c_str(), O_WRONLY | O_APPEND);
    if (fd < 0)
    {
        return "database " + path + " is not writable (" + std::strerror(errno)
             + "); change its permissions or choose another --database path";
    }
    close(fd);
    {
        std::ifstream file(path, std::ios::binary);
        char header[16] = {};
        file.read(header, sizeof(header));
        if (file.gcount() > 0
            && (file.gcount() < 16 || std::memcmp(header, "SQLite format 3", 16) != 0))
        {
            return "file " + path
                 + " is not an SQLite database; give a new file name or an existing "
                   "marl-lb result database";
        }
    }

    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    ConnectionCloser closer{db};
    if (rc != SQLITE_OK)
    {
        return "database " + path + " cannot be opened: " + sqlite3_errmsg(db);
    }
    sqlite3_busy_timeout(db, 0);
    std::string error;
    rc = ExecPlain(db, "BEGIN IMMEDIATE", error);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
        return "database " + path
             + " is locked by another process; wait for it to finish or choose another "
               "--database path";
    }
    if (rc != SQLITE_OK)
    {
        return "database " + path + " cannot be written: " + error;
    }
    ExecPlain(db, "ROLLBACK", error);

    // Tables of another program, or of a newer version of this one, are left alone.
    std::vector<std::string> tables;
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                       "'sqlite_%'",
                       -1,
                       &statement,
                       nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW)
    {
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
    if (tables.empty())
    {
        return "";
    }
    std::string schema;
    int version = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT key, value FROM meta WHERE key IN ('schema', 'version')",
                           -1,
                           &statement,
                           nullptr)
        == SQLITE_OK)
    {
        while (sqlite3_step(statement) == SQLITE_ROW)
        {
            std::string key = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
            std::string value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
            if (key == "schema")
            {
                schema = value;
            }
            else
            {
                version = std::atoi(value.c_str());
            }
        }
    }
    sqlite3_finalize(statement);
    if (schema != SCHEMA_NAME)
    {
        std::ostringstream names;
        for (const auto& table : tables)
        {
            names << (names.tellp() > 0 ? ", " : "") << table;
        }
        return "database " + path + " holds tables of another program (" + names.str()
             + "); give a new file name so that its data stays untouched";
    }
    if (version > SCHEMA_VERSION)
    {
        return "database " + path + " has result schema version " + std::to_string(version)
             + ", newer than this program's " + std::to_string(SCHEMA_VERSION)
             + "; use a newer marl-lb or a new file";
    }
    return "";
}

ResultStore::ResultStore(const std::string& path)
    : m_path(path)
{
    NS_LOG_FUNCTION(this << path);
    std::string problem = Check(path);
    if (!problem.empty())
    {
        NS_FATAL_ERROR("cannot store results: " << problem);
    }
    m_db = Create<SQLiteOutput>(path);
    CreateSchema();
}

ResultStore::~ResultStore()
{
    Flush();
}

void
ResultStore::CreateSchema()
{
    for (const char* statement : SCHEMA_STATEMENTS)
    {
        m_db->SpinExec(statement);
    }
    m_db->SpinExec(std::string("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '")
                   + SCHEMA_NAME + "')");
    m_db->SpinExec("INSERT OR IGNORE INTO meta (key, value) VALUES ('version', '"
                   + std::to_string(SCHEMA_VERSION) + "')");
}

const std::string&
ResultStore::GetPath() const
{
    return m_path;
}

int64_t
ResultStore::BeginRun(const std::string& example,
                      const std::map<std::string, std::string>& parameters)
{
    NS_LOG_FUNCTION(this << example);
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::ostringstream started;
    started << std::put_time(std::gmtime(&now), "%Y-%m-%dT%H:%M:%SZ");
    std::ostringstream list;
    for (const auto& [name, value] : parameters)
    {
        list << (list.tellp() > 0 ? " " : "") << name << "=" << value;
    }
    auto get = [&parameters](const std::string& name) -> const std::string* {
        auto it = parameters.find(name);
        return it == parameters.end() ? nullptr : &it->second;
    };

    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement,
                      "INSERT INTO runs (started_utc, module_version, example, method, seed, "
                      "run_number, parameters, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'running')");
    std::string startedText = started.str();
    std::string listText = list.str();
    sqlite3_bind_text(statement, 1, startedText.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 2, MARL_LB_VERSION, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 3, example.c_str(), -1, SQLITE_TRANSIENT);
    if (const std::string* method = get("method"))
    {
        sqlite3_bind_text(statement, 4, method->c_str(), -1, SQLITE_TRANSIENT);
    }
    if (const std::string* seed = get("seed"))
    {
        sqlite3_bind_int64(statement, 5, std::atoll(seed->c_str()));
    }
    if (const std::string* run = get("run"))
    {
        sqlite3_bind_int64(statement, 6, std::atoll(run->c_str()));
    }
    sqlite3_bind_text(statement, 7, listText.c_str(), -1, SQLITE_TRANSIENT);
    m_db->SpinExec(statement);
    // SpinExec finalizes the statement; read the id from a fresh query.
    sqlite3_stmt* idQuery = nullptr;
    m_db->SpinPrepare(&idQuery, "SELECT MAX(run_id) FROM runs");
    SQLiteOutput::SpinStep(idQuery);
    int64_t id = sqlite3_column_int64(idQuery, 0);
    SQLiteOutput::SpinFinalize(idQuery);
    NS_LOG_INFO("run " << id << " of " << example << " starts in " << m_path);
    return id;
}

void
ResultStore::AddRequest(int64_t run, const RequestRecord& record)
{
    m_requests.emplace_back(run, record);
    if (m_requests.size() + m_samples.size() + m_steps.size() >= FLUSH_ROWS)
    {
        Flush();
    }
}

void
ResultStore::AddServerSample(int64_t run, const ServerSampleRow& sample)
{
    m_samples.emplace_back(run, sample);
    if (m_requests.size() + m_samples.size() + m_steps.size() >= FLUSH_ROWS)
    {
        Flush();
    }
}

void
ResultStore::AddAgentStep(int64_t run,
                          Time time,
                          uint32_t agent,
                          const std::vector<double>& observation,
                          const std::vector<double>& action,
                          double reward)
{
    m_steps.push_back({run, time, agent, ToJsonArray(observation), ToJsonArray(action), reward});
    if (m_requests.size() + m_samples.size() + m_steps.size() >= FLUSH_ROWS)
    {
        Flush();
    }
}

void
ResultStore::Flush()
{
    if (!m_db || (m_requests.empty() && m_samples.empty() && m_steps.empty()))
    {
        return;
    }
    NS_LOG_FUNCTION(this << m_requests.size() << m_samples.size() << m_steps.size());
    m_db->SpinExec("BEGIN TRANSACTION");

    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement,
                      "INSERT INTO requests (run_id, client, request_index, url, scheduled_s, "
                      "start_s, end_s, jct_ms, bytes, http_status, outcome, load_balancer, "
                      "server, client_port) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& [run, record] : m_requests)
    {
        std::string outcome = RequestOutcomeName(record.outcome);
        sqlite3_bind_int64(statement, 1, run);
        sqlite3_bind_int64(statement, 2, record.client);
        sqlite3_bind_int64(statement, 3, static_cast<int64_t>(record.index));
        sqlite3_bind_text(statement, 4, record.url.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(statement, 5, record.scheduled.GetSeconds());
        sqlite3_bind_double(statement, 6, record.start.GetSeconds());
        sqlite3_bind_double(statement, 7, record.end.GetSeconds());
        sqlite3_bind_double(statement, 8, record.GetJct().GetSeconds() * 1000.0);
        sqlite3_bind_int64(statement, 9, static_cast<int64_t>(record.bytes));
        sqlite3_bind_int64(statement, 10, record.httpStatus);
        sqlite3_bind_text(statement, 11, outcome.c_str(), -1, SQLITE_TRANSIENT);
        if (record.loadBalancer != RequestRecord::UNKNOWN)
        {
            sqlite3_bind_int64(statement, 12, record.loadBalancer);
        }
        else
        {
            sqlite3_bind_null(statement, 12);
        }
        if (record.server != RequestRecord::UNKNOWN)
        {
            sqlite3_bind_int64(statement, 13, record.server);
        }
        else
        {
            sqlite3_bind_null(statement, 13);
        }
        sqlite3_bind_int64(statement, 14, record.clientPort);
        SQLiteOutput::SpinStep(statement);
        SQLiteOutput::SpinReset(statement);
    }
    SQLiteOutput::SpinFinalize(statement);

    m_db->SpinPrepare(&statement,
                      "INSERT INTO server_samples (run_id, time_s, server, busy_workers, "
                      "backlog) VALUES (?, ?, ?, ?, ?)");
    for (const auto& [run, sample] : m_samples)
    {
        sqlite3_bind_int64(statement, 1, run);
        sqlite3_bind_double(statement, 2, sample.time.GetSeconds());
        sqlite3_bind_int64(statement, 3, sample.server);
        sqlite3_bind_int64(statement, 4, sample.busyWorkers);
        sqlite3_bind_int64(statement, 5, sample.backlog);
        SQLiteOutput::SpinStep(statement);
        SQLiteOutput::SpinReset(statement);
    }
    SQLiteOutput::SpinFinalize(statement);

    m_db->SpinPrepare(&statement,
                      "INSERT INTO agent_steps (run_id, time_s, agent, observation, action, "
                      "reward) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& step : m_steps)
    {
        sqlite3_bind_int64(statement, 1, step.run);
        sqlite3_bind_double(statement, 2, step.time.GetSeconds());
        sqlite3_bind_int64(statement, 3, step.agent);
        sqlite3_bind_text(statement, 4, step.observation.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(statement, 5, step.action.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(statement, 6, step.reward);
        SQLiteOutput::SpinStep(statement);
        SQLiteOutput::SpinReset(statement);
    }
    SQLiteOutput::SpinFinalize(statement);

    m_db->SpinExec("COMMIT");
    m_requests.clear();
    m_samples.clear();
    m_steps.clear();
}

void
ResultStore::EndRun(int64_t run, double wallSeconds)
{
    NS_LOG_FUNCTION(this << run << wallSeconds);
    Flush();
    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement,
                      "UPDATE runs SET status = 'complete', wall_seconds = ? WHERE run_id = ?");
    sqlite3_bind_double(statement, 1, wallSeconds);
    sqlite3_bind_int64(statement, 2, run);
    m_db->SpinExec(statement);
}

std::vector<RequestRecord>
ResultStore::ReadRequests(int64_t run) const
{
    std::vector<RequestRecord> records;
    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement,
                      "SELECT client, request_index, url, scheduled_s, start_s, end_s, bytes, "
                      "http_status, outcome, load_balancer, server, client_port FROM requests "
                      "WHERE run_id = ? ORDER BY rowid");
    sqlite3_bind_int64(statement, 1, run);
    while (SQLiteOutput::SpinStep(statement) == SQLITE_ROW)
    {
        RequestRecord record;
        record.client = static_cast<uint32_t>(sqlite3_column_int64(statement, 0));
        record.index = static_cast<uint64_t>(sqlite3_column_int64(statement, 1));
        record.url = reinterpret_cast<const char*>(sqlite3_column_text(statement, 2));
        record.scheduled = Seconds(sqlite3_column_double(statement, 3));
        record.start = Seconds(sqlite3_column_double(statement, 4));
        record.end = Seconds(sqlite3_column_double(statement, 5));
        record.bytes = static_cast<uint64_t>(sqlite3_column_int64(statement, 6));
        record.httpStatus = static_cast<uint32_t>(sqlite3_column_int64(statement, 7));
        std::string outcome = reinterpret_cast<const char*>(sqlite3_column_text(statement, 8));
        for (auto candidate : {RequestOutcome::COMPLETED,
                               RequestOutcome::RESET,
                               RequestOutcome::CONNECT_FAILED,
                               RequestOutcome::CLOSED_EARLY,
                               RequestOutcome::BAD_RESPONSE,
                               RequestOutcome::UNFINISHED})
        {
            if (RequestOutcomeName(candidate) == outcome)
            {
                record.outcome = candidate;
            }
        }
        if (sqlite3_column_type(statement, 9) != SQLITE_NULL)
        {
            record.loadBalancer = static_cast<uint32_t>(sqlite3_column_int64(statement, 9));
        }
        if (sqlite3_column_type(statement, 10) != SQLITE_NULL)
        {
            record.server = static_cast<uint32_t>(sqlite3_column_int64(statement, 10));
        }
        record.clientPort = static_cast<uint16_t>(sqlite3_column_int64(statement, 11));
        records.push_back(record);
    }
    SQLiteOutput::SpinFinalize(statement);
    return records;
}

std::vector<int64_t>
ResultStore::ReadRunIds() const
{
    std::vector<int64_t> ids;
    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement, "SELECT run_id FROM runs ORDER BY run_id");
    while (SQLiteOutput::SpinStep(statement) == SQLITE_ROW)
    {
        ids.push_back(sqlite3_column_int64(statement, 0));
    }
    SQLiteOutput::SpinFinalize(statement);
    return ids;
}

std::string
ResultStore::ReadRunStatus(int64_t run) const
{
    std::string status;
    sqlite3_stmt* statement = nullptr;
    m_db->SpinPrepare(&statement, "SELECT status FROM runs WHERE run_id = ?");
    sqlite3_bind_int64(statement, 1, run);
    if (SQLiteOutput::SpinStep(statement) == SQLITE_ROW)
    {
        status = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    SQLiteOutput::SpinFinalize(statement);
    return status;
}

} // namespace ns3
