// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Store/PostgresDatabase.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Store/DatabaseErrors.h"
#include "Core/Store/PostgresStatementBackend.h"
#include "Core/Store/Statement.h"

#include <libpq-fe.h>

#include <cstring>

namespace DicomMail
{
  namespace
  {
    // pg_advisory_xact_lock key of the schema migration: "DCMMail1".
    const long long kSchemaLockKey = 0x44434d4d61696c31LL;

    std::string ReadPassword(const std::string& path)
    {
      std::string password = Files::ReadAll(path, 4096);
      while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
      {
        password.pop_back();
      }
      return password;
    }

    void IgnoreNotice(void*, const char*)
    {
      // "relation already exists, skipping" and the like: not for Orthanc's log.
    }

    std::string Trimmed(const char* message)
    {
      std::string text = (message != nullptr ? message : "");
      while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      {
        text.pop_back();
      }
      return text;
    }

    PGconn* Connect(const DatabaseSettings& settings)
    {
      // Keywords given later override those of the expanded connection
      // string, as with Orthanc's PostgreSQL plugin's separate keys.
      const std::string port = (settings.port != 0 ? std::to_string(settings.port) : "");
      const std::string password = (settings.passwordFile.empty() ? "" : ReadPassword(settings.passwordFile));
      std::vector<const char*> keywords;
      std::vector<const char*> values;
      auto add = [&](const char* keyword, const std::string& value)
      {
        if (!value.empty())
        {
          keywords.push_back(keyword);
          values.push_back(value.c_str());
        }
      };
      add("dbname", settings.connectionString);
      add("host", settings.host);
      add("port", port);
      if (!settings.databaseName.empty() && !settings.connectionString.empty())
      {
        // A second "dbname" would be expanded as a connection string too.
        keywords.push_back("dbname");
        values.push_back(settings.databaseName.c_str());
      }
      else
      {
        add("dbname", settings.databaseName);
      }
      add("user", settings.username);
      add("password", password);
      add("application_name", "orthanc-dicom-mail");
      keywords.push_back(nullptr);
      values.push_back(nullptr);
      return PQconnectdbParams(keywords.data(), values.data(), 1);
    }
  }

  PostgresDatabase::PostgresDatabase(const DatabaseSettings& settings) :
    Database("PostgreSQL", SqlDialect(DatabaseEngine::PostgreSQL)),
    conn_(Connect(settings))
  {
    if (conn_ == nullptr)
    {
      throw Error(ErrorKind::Storage, "Cannot connect to PostgreSQL: out of memory");
    }
    if (PQstatus(conn_) != CONNECTION_OK)
    {
      // libpq's message names host and database, never the password.
      const std::string message = Trimmed(PQerrorMessage(conn_));
      PQfinish(conn_);
      throw Error(ErrorKind::Storage, "Cannot connect to PostgreSQL: " + message);
    }
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
    SetPath(std::string("PostgreSQL ") + PQdb(conn_) + " on " + PQhost(conn_) + ":" + PQport(conn_));
  }

  PostgresDatabase::~PostgresDatabase()
  {
    PQfinish(conn_);
  }

  void PostgresDatabase::Fail(const std::string& context, PGresult* result)
  {
    const char* state = (result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr);
    const std::string code = (state != nullptr ? state : "");
    const std::string message = context + " in database " + GetPath() + ": " +
      Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    PQclear(result);
    if (code == "23505")
    {
      throw UniqueViolation(message);
    }
    if (code == "40001" || code == "40P01" || code == "55P03")
    {
      throw DatabaseBusy(message);
    }
    throw Error(ErrorKind::Storage, message);
  }

  PGresult* PostgresDatabase::Attempt(const std::string& sql, const std::vector<const char*>& parameters,
                                      const std::vector<unsigned int>& types)
  {
    if (parameters.empty())
    {
      // PQexec runs several statements at once (the schema's migrations).
      return PQexec(conn_, sql.c_str());
    }
    return PQexecParams(conn_, sql.c_str(), static_cast<int>(parameters.size()), types.data(),
                        parameters.data(), nullptr, nullptr, 0);
  }

  PGresult* PostgresDatabase::Run(const std::string& sql, const std::vector<const char*>& parameters,
                                  const std::vector<unsigned int>& types)
  {
    auto lock = Lock();
    PGresult* result = Attempt(sql, parameters, types);
    if (PQstatus(conn_) == CONNECTION_BAD && !InTransaction())
    {
      PQclear(result);
      PQreset(conn_);
      result = Attempt(sql, parameters, types);
    }
    const ExecStatusType status = (result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      Fail("Cannot run \"" + sql + "\"", result);
    }
    return result;
  }

  void PostgresDatabase::Execute(const std::string& sql)
  {
    PQclear(Run(sql, {}, {}));
  }

  int PostgresDatabase::GetUserVersion()
  {
    auto lock = Lock();
    {
      Statement exists(*this, "SELECT to_regclass('dicom_mail_schema') IS NOT NULL");
      if (!exists.Step() || !exists.ColumnBool(0))
      {
        return 0;
      }
    }
    Statement select(*this, "SELECT MAX(version) FROM dicom_mail_schema");
    return select.Step() ? static_cast<int>(select.ColumnInt64(0)) : 0;
  }

  void PostgresDatabase::SetUserVersion(int version)
  {
    // The value is an int, so no injection.
    Execute("CREATE TABLE IF NOT EXISTS dicom_mail_schema (version INTEGER NOT NULL); "
            "DELETE FROM dicom_mail_schema; "
            "INSERT INTO dicom_mail_schema (version) VALUES (" + std::to_string(version) + ")");
  }

  void PostgresDatabase::LockSchema()
  {
    Execute("SELECT pg_advisory_xact_lock(" + std::to_string(kSchemaLockKey) + ")");
  }

  std::unique_ptr<StatementBackend> PostgresDatabase::Prepare(const std::string& sql)
  {
    return std::make_unique<PostgresStatementBackend>(*this, sql);
  }
}
