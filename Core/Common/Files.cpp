// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Files.h"

#include "Core/Common/Error.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace DicomMail
{
  namespace
  {
    std::string Describe(const std::string& what, const std::string& path)
    {
      return what + " " + path + ": " + strerror(errno);
    }

    const size_t kSinkBuffer = 256 * 1024;
  }

  FileSource::FileSource(const std::string& path) :
    path_(path),
    fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC))
  {
    if (fd_ < 0)
    {
      throw Error(ErrorKind::Storage, Describe("Cannot open", path));
    }
  }

  FileSource::~FileSource()
  {
    close(fd_);
  }

  size_t FileSource::Read(void* buffer, size_t size)
  {
    for (;;)
    {
      const ssize_t n = read(fd_, buffer, size);
      if (n >= 0)
      {
        return static_cast<size_t>(n);
      }
      if (errno != EINTR)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot read", path_));
      }
    }
  }

  uint64_t FileSource::GetSize() const
  {
    struct stat s;
    if (fstat(fd_, &s) != 0)
    {
      throw Error(ErrorKind::Storage, Describe("Cannot stat", path_));
    }
    return static_cast<uint64_t>(s.st_size);
  }

  void FileSource::Rewind()
  {
    if (lseek(fd_, 0, SEEK_SET) != 0)
    {
      throw Error(ErrorKind::Storage, Describe("Cannot rewind", path_));
    }
  }

  FileSink::FileSink(const std::string& path) :
    path_(path),
    fd_(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600))
  {
    if (fd_ < 0)
    {
      throw Error(ErrorKind::Storage, Describe("Cannot create", path));
    }
    buffer_.reserve(kSinkBuffer);
  }

  FileSink::~FileSink()
  {
    if (fd_ >= 0)
    {
      close(fd_);
    }
  }

  void FileSink::FlushBuffer()
  {
    size_t done = 0;
    while (done < buffer_.size())
    {
      const ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0)
      {
        if (errno == EINTR)
        {
          continue;
        }
        throw Error(ErrorKind::Storage, Describe("Cannot write", path_));
      }
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  void FileSink::Write(const void* data, size_t size)
  {
    if (fd_ < 0)
    {
      throw Error(ErrorKind::Internal, "Write after close: " + path_);
    }
    if (buffer_.size() + size > kSinkBuffer)
    {
      FlushBuffer();
    }
    if (size >= kSinkBuffer)
    {
      buffer_.assign(static_cast<const char*>(data), size);
      FlushBuffer();
    }
    else
    {
      buffer_.append(static_cast<const char*>(data), size);
    }
  }

  void FileSink::Flush()
  {
    if (fd_ >= 0)
    {
      FlushBuffer();
    }
  }

  void FileSink::Close()
  {
    CloseFile(false);
  }

  void FileSink::CloseDurably()
  {
    CloseFile(true);
  }

  void FileSink::CloseFile(bool sync)
  {
    if (fd_ >= 0)
    {
      FlushBuffer();
      const bool ok = !sync || (fsync(fd_) == 0);
      const bool closed = (close(fd_) == 0);
      fd_ = -1;
      if (!ok || !closed)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot close", path_));
      }
    }
  }

  TempFile::TempFile(const std::string& directory, const std::string& suffix)
  {
    static std::atomic<uint64_t> counter{0};
    std::random_device random;
    for (int attempt = 0; attempt < 100; attempt++)
    {
      const std::string candidate = directory + "/dm-" + std::to_string(getpid()) + "-" +
        std::to_string(counter++) + "-" + std::to_string(random()) + suffix;
      const int fd = open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0)
      {
        close(fd);
        path_ = candidate;
        return;
      }
      if (errno != EEXIST)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot create a temporary file in", directory));
      }
    }
    throw Error(ErrorKind::Storage, "Cannot find a free temporary file name in " + directory);
  }

  TempFile::~TempFile()
  {
    if (!path_.empty())
    {
      unlink(path_.c_str());
    }
  }

  namespace Files
  {
    void MakeDirectories(const std::string& path, unsigned int mode)
    {
      if (path.empty())
      {
        throw Error(ErrorKind::Storage, "Empty directory path");
      }
      std::string current;
      size_t pos = 0;
      while (pos != std::string::npos)
      {
        pos = path.find('/', pos + 1);
        current = path.substr(0, pos);
        if (current.empty())
        {
          continue;
        }
        if (mkdir(current.c_str(), mode) != 0 && errno != EEXIST)
        {
          throw Error(ErrorKind::Storage, Describe("Cannot create directory", current));
        }
      }
      struct stat s;
      if (stat(path.c_str(), &s) != 0 || !S_ISDIR(s.st_mode))
      {
        throw Error(ErrorKind::Storage, "Not a directory: " + path);
      }
    }

    bool Exists(const std::string& path)
    {
      struct stat s;
      return stat(path.c_str(), &s) == 0;
    }

    uint64_t GetSize(const std::string& path)
    {
      struct stat s;
      if (stat(path.c_str(), &s) != 0)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot stat", path));
      }
      return static_cast<uint64_t>(s.st_size);
    }

    void Remove(const std::string& path)
    {
      if (unlink(path.c_str()) != 0 && errno != ENOENT)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot remove", path));
      }
    }

    void Rename(const std::string& from, const std::string& to)
    {
      if (rename(from.c_str(), to.c_str()) != 0)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot rename " + from + " to", to));
      }
    }

    std::string ReadAll(const std::string& path, uint64_t maxSize)
    {
      FileSource source(path);
      if (source.GetSize() > maxSize)
      {
        throw Error(ErrorKind::LimitExceeded, "File too large: " + path);
      }
      StringSink sink;
      CopyStream(source, sink, 64 * 1024);
      return sink.GetContent();
    }

    void WriteAll(const std::string& path, const std::string& content)
    {
      FileSink sink(path);
      sink.Write(content);
      sink.Close();
    }

    unsigned int RemoveLeftovers(const std::string& directory, const std::string& prefix)
    {
      unsigned int count = 0;
      DIR* dir = opendir(directory.c_str());
      if (dir == nullptr)
      {
        return 0;
      }
      while (struct dirent* entry = readdir(dir))
      {
        const std::string name = entry->d_name;
        if (name.compare(0, prefix.size(), prefix) == 0 && entry->d_type == DT_REG)
        {
          if (unlink((directory + "/" + name).c_str()) == 0)
          {
            count++;
          }
        }
      }
      closedir(dir);
      return count;
    }

    uint64_t GetFreeSpace(const std::string& path)
    {
      struct statvfs s;
      if (statvfs(path.c_str(), &s) != 0)
      {
        throw Error(ErrorKind::Storage, Describe("Cannot query free space of", path));
      }
      return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
    }
  }
}
