// SPDX-License-Identifier: GPL-3.0-or-later
// Speed figures of the Orthanc-free core that used to be timed assertions in
// the unit tests (base64 throughput, the linear unfolding of folded headers,
// the slowest input of each fuzz corpus). A shared, loaded machine makes such
// assertions flaky and hides the real figure, so this program only measures
// and prints; Benchmarks/README.md says what to expect.
#include "Fuzz/ManifestFuzzTarget.h"
#include "Fuzz/MdnParserFuzzTarget.h"
#include "Fuzz/MimeParserFuzzTarget.h"
#include "Fuzz/PartialReassemblerFuzzTarget.h"
#include "Core/Common/ByteStream.h"
#include "Core/Mime/Base64.h"
#include "Core/Mime/Base64Decoder.h"
#include "Core/Mime/Base64Encoder.h"
#include "Core/Mime/MimeHeaders.h"
#include "Core/QualityAssurance/RealTransfers.h"
#include "Core/Store/OutboxStore.h"
#include "Core/Store/RealTransferStore.h"
#include "Core/Store/SqliteDatabase.h"
#include "Core/Store/UtcTime.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

#include <unistd.h>

using namespace DicomMail;

namespace
{
  class Stopwatch
  {
  public:
    Stopwatch() : start_(std::chrono::steady_clock::now())
    {
    }

    double Seconds() const
    {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

  private:
    std::chrono::steady_clock::time_point start_;
  };

  void Base64Throughput()
  {
    std::mt19937 rng(7);
    std::string block(3 << 18, '\0');   // a multiple of 3: no padding inside the stream
    for (char& c : block)
    {
      c = static_cast<char>(rng() & 0xff);
    }
    const size_t rounds = 400;
    const double mebibytes = rounds * block.size() / 1048576.0;

    CountingSink encoded;
    Stopwatch encodeTime;
    {
      Base64Encoder encoder(encoded, 76);
      for (size_t i = 0; i < rounds; i++)
      {
        encoder.Write(block.data(), block.size());
      }
      encoder.Finish();
    }
    const double encodeSeconds = encodeTime.Seconds();

    const std::string text = Base64::Encode(block, 76);
    CountingSink decoded;
    Stopwatch decodeTime;
    {
      Base64Decoder decoder(decoded);
      for (size_t i = 0; i < rounds; i++)
      {
        decoder.Write(text.data(), text.size());
      }
      decoder.Finish();
    }
    const double decodeSeconds = decodeTime.Seconds();

    std::printf("base64, %.0f MiB of binary: encode %.0f MiB/s, decode %.0f MiB/s (%s)\n",
                mebibytes, mebibytes / encodeSeconds, mebibytes / decodeSeconds,
                decoded.GetCount() == rounds * block.size() ? "round trip complete" : "ROUND TRIP LOST BYTES");
  }

  // A field folded over n short lines: linear unfolding keeps the time per
  // line flat as n grows; the old quadratic code doubled it with every step.
  void FoldedHeaderUnfolding()
  {
    std::printf("folded header unfolding (Subject over n continuation lines):\n");
    for (size_t lines = 50000; lines <= 400000; lines *= 2)
    {
      std::string block = "Subject: a\r\n";
      for (size_t i = 0; i < lines; i++)
      {
        block += " a\r\n";
      }
      Stopwatch time;
      const MimeHeaders headers = MimeHeaders::Parse(block, block.size() + 2);
      const double seconds = time.Seconds();
      std::printf("  n = %6zu: %.4f s, %.1f ns per line, value %zu bytes\n",
                  lines, seconds, seconds * 1e9 / lines, headers.Get("Subject").size());
    }
  }

  // The QA report's real transfers (#17) of a busy link: a year of sent
  // transfers, read with one query and summed up per month.
  void QaReportRealTransfers()
  {
    const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("dicom-mail-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    const unsigned int transfers = 20000;
    {
      SqliteDatabase db((directory / "store.db").string());
      OutboxStore outbox(db);
      const int64_t yearStart = UtcTime::ToUnix("2026-01-01T00:00:00Z");
      for (unsigned int i = 0; i < transfers; i++)
      {
        OutboxTransfer t;
        t.setId = "bench." + std::to_string(i);
        t.partner = "tele";
        t.recipient = "tele@example.org";
        const int64_t created = yearStart + static_cast<int64_t>(i) * (365 * 86400 / transfers);
        t.created = UtcTime::FromUnix(created);
        t.state = TransferState::Acknowledged;
        t.totalBytes = 50000000;
        t.totalMails = 3;
        std::vector<OutboxMail> mails(3);
        for (unsigned int part = 1; part <= 3; part++)
        {
          mails[part - 1].part = part;
          mails[part - 1].state = MailState::Acknowledged;
          mails[part - 1].receiverCompletedMs = created * 1000 + 5000 + (i % 100) * 100 + part * 1000;
        }
        outbox.CreateTransfer(t, mails);
      }
      RealTransferStore store(db);
      Stopwatch queryTime;
      const std::vector<RealTransferSample> samples = store.Sent("tele", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
      const double querySeconds = queryTime.Seconds();
      SystemQaClock clock;
      Stopwatch figureTime;
      const std::vector<RealTransferFigures> months = RealTransfers::PerMonth(samples, 2026, clock);
      const double figureSeconds = figureTime.Seconds();
      std::printf("QA report, real transfers: %zu sent transfers of a year (3 mails each) read in %.3f s, "
                  "per-month median and 95th percentile in %.4f s; June: %u transfers, median %.0f ms, p95 %.0f ms\n",
                  samples.size(), querySeconds, figureSeconds, months[5].transfers, months[5].medianMs, months[5].p95Ms);
    }
    std::filesystem::remove_all(directory);
  }

  template <typename Result>
  void SlowestCorpusInput(const std::string& target, const std::function<Result(const uint8_t*, size_t)>& run)
  {
    const std::filesystem::path directory =
      std::filesystem::path(DICOM_MAIL_SOURCE_DIR) / "Fuzz" / "corpus" / target;
    std::string slowestName;
    double slowestSeconds = 0;
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
    {
      if (!entry.is_regular_file())
      {
        continue;
      }
      std::ifstream stream(entry.path(), std::ios::binary);
      std::ostringstream content;
      content << stream.rdbuf();
      const std::string bytes = content.str();
      Stopwatch time;
      run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      const double seconds = time.Seconds();
      count++;
      if (seconds >= slowestSeconds)
      {
        slowestSeconds = seconds;
        slowestName = entry.path().filename().string();
      }
    }
    std::printf("  %-24s %3zu inputs, slowest %.4f s (%s)\n", target.c_str(), count, slowestSeconds,
                slowestName.c_str());
  }
}

int main()
{
  Base64Throughput();
  FoldedHeaderUnfolding();
  QaReportRealTransfers();
  std::printf("fuzz corpora (every input through the fuzz target's code):\n");
  SlowestCorpusInput<unsigned int>("FuzzMimeParser", Fuzzing::RunMimeParserTarget);
  SlowestCorpusInput<uint64_t>("FuzzPartialReassembler", Fuzzing::RunPartialReassemblerTarget);
  SlowestCorpusInput<bool>("FuzzManifest", Fuzzing::RunManifestTarget);
  SlowestCorpusInput<unsigned int>("FuzzMdnParser", Fuzzing::RunMdnParserTarget);
  return 0;
}
