// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Store/InboxStore.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/Database.h"
#include "Core/Store/Transaction.h"

#include "UnitTests/StoreTestSupport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

using namespace DicomMail;

namespace
{
  const unsigned int kThreads = 4;
  const unsigned int kUpdates = 1000;

  // Collects the first error of any thread, so the test can report it.
  class ErrorCollector
  {
  public:
    void Add(const std::string& message)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      count_++;
      if (first_.empty())
      {
        first_ = message;
      }
    }

    unsigned int GetCount() const
    {
      return count_;
    }

    const std::string& GetFirst() const
    {
      return first_;
    }

  private:
    std::mutex mutex_;
    unsigned int count_ = 0;
    std::string first_;
  };

  void CreateTransferWithMails(OutboxStore& outbox, unsigned int mails)
  {
    OutboxTransfer transfer;
    transfer.setId = "set-1";
    transfer.partner = "clinic";
    std::vector<OutboxMail> list(mails);
    for (unsigned int i = 0; i < mails; i++)
    {
      list[i].part = i + 1;
    }
    outbox.CreateTransfer(transfer, list);
  }

  // Each thread does three kinds of writes: a single-statement update of its
  // own mail, an insert, and a read-modify-write of one row shared by all
  // threads, inside a transaction (which must never lose an increment).
  void Worker(Database& db, unsigned int index, ErrorCollector& errors)
  {
    try
    {
      OutboxStore outbox(db);
      InboxStore inbox(db);
      const std::string account = "account-" + std::to_string(index);
      for (unsigned int i = 0; i < kUpdates; i++)
      {
        outbox.IncrementAttempts("set-1", index + 1);
        inbox.MarkSeen(account, "uid-" + std::to_string(i), "imported");

        Transaction transaction(db);
        InboxTransfer shared;
        if (!inbox.GetTransfer("shared", shared))
        {
          throw std::runtime_error("shared transfer vanished");
        }
        shared.mailsReceived++;
        inbox.PutTransfer(shared);
        transaction.Commit();
      }
    }
    catch (const std::exception& e)
    {
      errors.Add(e.what());
    }
  }

  void CheckResults(Database& db)
  {
    OutboxStore outbox(db);
    InboxStore inbox(db);
    OutboxTransfer transfer;
    std::vector<OutboxMail> mails;
    ASSERT_TRUE(outbox.GetTransfer("set-1", transfer, mails));
    ASSERT_EQ(kThreads, mails.size());
    for (const OutboxMail& mail : mails)
    {
      EXPECT_EQ(kUpdates, mail.attempts) << "part " << mail.part;
    }
    for (unsigned int t = 0; t < kThreads; t++)
    {
      EXPECT_TRUE(inbox.IsSeen("account-" + std::to_string(t), "uid-0"));
      EXPECT_TRUE(inbox.IsSeen("account-" + std::to_string(t), "uid-" + std::to_string(kUpdates - 1)));
    }
    InboxTransfer shared;
    ASSERT_TRUE(inbox.GetTransfer("shared", shared));
    EXPECT_EQ(kThreads * kUpdates, shared.mailsReceived);
  }

  void Prepare(Database& db)
  {
    OutboxStore outbox(db);
    CreateTransferWithMails(outbox, kThreads);
    InboxStore inbox(db);
    InboxTransfer shared;
    shared.setId = "shared";
    inbox.PutTransfer(shared);
  }
}

class StoreConcurrency : public StoreEngineTest
{
};

// The plugin's way: one connection shared by every thread.
TEST_P(StoreConcurrency, FourThreadsShareOneConnection)
{
  std::unique_ptr<Database> opened = Open();
  Database& db = *opened;
  Prepare(db);

  ErrorCollector errors;
  std::vector<std::thread> threads;
  for (unsigned int t = 0; t < kThreads; t++)
  {
    threads.emplace_back(Worker, std::ref(db), t, std::ref(errors));
  }
  for (std::thread& thread : threads)
  {
    thread.join();
  }

  EXPECT_EQ(0u, errors.GetCount()) << errors.GetFirst();
  CheckResults(db);
}

// One connection per thread, as two processes on the same file (or two
// nodes on one PostgreSQL database) would be. SQLite: WAL, BEGIN IMMEDIATE
// and the busy timeout must keep "database is locked" away; both: no
// transaction's read-modify-write may be lost.
TEST_P(StoreConcurrency, FourThreadsWithOwnConnections)
{
  Prepare(*Open());

  ErrorCollector errors;
  std::vector<std::unique_ptr<Database>> connections;
  for (unsigned int t = 0; t < kThreads; t++)
  {
    connections.push_back(Open());
  }
  std::vector<std::thread> threads;
  for (unsigned int t = 0; t < kThreads; t++)
  {
    threads.emplace_back(Worker, std::ref(*connections[t]), t, std::ref(errors));
  }
  for (std::thread& thread : threads)
  {
    thread.join();
  }

  EXPECT_EQ(0u, errors.GetCount()) << errors.GetFirst();
  CheckResults(*Open());
}

// Opening a new database from several connections at once: one creates the
// tables, the others see them (no "table already exists").
TEST_P(StoreConcurrency, ConcurrentFirstOpenMigratesOnce)
{
  ErrorCollector errors;
  std::vector<std::thread> threads;
  for (unsigned int t = 0; t < kThreads; t++)
  {
    threads.emplace_back([this, &errors]
    {
      try
      {
        std::unique_ptr<Database> db = Open();
        InboxStore inbox(*db);
        inbox.MarkSeen("a", "b", "c");
      }
      catch (const std::exception& e)
      {
        errors.Add(e.what());
      }
    });
  }
  for (std::thread& thread : threads)
  {
    thread.join();
  }
  EXPECT_EQ(0u, errors.GetCount()) << errors.GetFirst();
}

INSTANTIATE_STORE_ENGINES(StoreConcurrency);
