// SPDX-License-Identifier: GPL-3.0-or-later
// Lock files of a gpg that died without removing them, and children reaped
// after their deadline: what keeps a killed gpg from blocking the next one.
#include "Core/Common/Files.h"
#include "Core/Crypto/AbandonedGpgLocks.h"
#include "Core/Crypto/LateChildren.h"

#include <cstdio>
#include <cstdlib>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace DicomMail;

namespace
{
  class ScratchDirectory
  {
  public:
    ScratchDirectory()
    {
      char pattern[] = "/tmp/dm-locktest-XXXXXX";
      path_ = mkdtemp(pattern) != nullptr ? pattern : "";
    }

    ~ScratchDirectory()
    {
      std::system(("rm -rf '" + path_ + "'").c_str());
    }

    const std::string& GetPath() const
    {
      return path_;
    }

  private:
    std::string path_;
  };

  // A child that has ended but is not reaped: a zombie.
  pid_t MakeZombie()
  {
    const pid_t pid = fork();
    if (pid == 0)
    {
      _exit(0);
    }
    for (int i = 0; i < 1000 && !AbandonedGpgLocks::IsGone(pid); i++)
    {
      usleep(2000);
    }
    return pid;
  }

  // As GnuPG's dotlock writes it: the pid in ten characters, the host name.
  void WriteLock(const std::string& path, pid_t pid, const std::string& host)
  {
    char pidField[16];
    snprintf(pidField, sizeof(pidField), "%10d\n", static_cast<int>(pid));
    Files::WriteAll(path, pidField + host + "\n");
  }

  std::string HostName()
  {
    utsname names;
    uname(&names);
    return names.nodename;
  }
}

TEST(CryptoGpgLocks, ZombieAndVanishedOwnersLoseTheirLocksOthersKeepThem)
{
  ScratchDirectory home;
  ASSERT_FALSE(home.GetPath().empty());
  Files::MakeDirectories(home.GetPath() + "/public-keys.d");
  const pid_t zombie = MakeZombie();
  ASSERT_TRUE(AbandonedGpgLocks::IsGone(zombie));
  EXPECT_FALSE(AbandonedGpgLocks::IsGone(getpid()));

  const std::string byZombie = home.GetPath() + "/trustdb.gpg.lock";
  const std::string byZombieInKeyDirectory = home.GetPath() + "/public-keys.d/pubring.db.lock";
  const std::string byLiving = home.GetPath() + "/pubring.kbx.lock";
  const std::string byOtherHost = home.GetPath() + "/random_seed.lock";
  const std::string notALock = home.GetPath() + "/pubring.kbx";
  WriteLock(byZombie, zombie, HostName());
  WriteLock(byZombieInKeyDirectory, zombie, HostName());
  WriteLock(byLiving, getpid(), HostName());
  WriteLock(byOtherHost, zombie, HostName() + "-elsewhere");   // its pid says nothing here
  WriteLock(notALock, zombie, HostName());

  const std::vector<std::string> removed = AbandonedGpgLocks::Remove(home.GetPath());
  EXPECT_EQ(2u, removed.size());
  EXPECT_FALSE(Files::Exists(byZombie));
  EXPECT_FALSE(Files::Exists(byZombieInKeyDirectory));
  EXPECT_TRUE(Files::Exists(byLiving));
  EXPECT_TRUE(Files::Exists(byOtherHost));
  EXPECT_TRUE(Files::Exists(notALock));

  // Reaped, the pid is gone altogether: still abandoned.
  ASSERT_EQ(zombie, waitpid(zombie, nullptr, 0));
  WriteLock(byZombie, zombie, HostName());
  EXPECT_EQ(1u, AbandonedGpgLocks::Remove(home.GetPath()).size());
  EXPECT_TRUE(Files::Exists(byLiving));
}

TEST(CryptoGpgLocks, LateChildrenAreReapedOnceTheyEnd)
{
  EXPECT_EQ(0u, LateChildren::ReapFinished());
  int wake[2];
  ASSERT_EQ(0, pipe(wake));
  const pid_t child = fork();
  if (child == 0)
  {
    char c;
    close(wake[1]);
    (void) !read(wake[0], &c, 1);   // runs until the test lets it go
    _exit(0);
  }
  close(wake[0]);
  LateChildren::Adopt(child);
  EXPECT_EQ(1u, LateChildren::ReapFinished());   // still running: kept, not waited for
  EXPECT_FALSE(AbandonedGpgLocks::IsGone(child));

  close(wake[1]);
  size_t remaining = 1;
  for (int i = 0; i < 2000 && remaining != 0; i++)
  {
    usleep(5000);
    remaining = LateChildren::ReapFinished();
  }
  EXPECT_EQ(0u, remaining);
  EXPECT_TRUE(AbandonedGpgLocks::IsGone(child));   // reaped: no zombie left
  EXPECT_EQ(-1, waitpid(child, nullptr, WNOHANG));
}
