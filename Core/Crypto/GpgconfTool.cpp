// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/GpgconfTool.h"

#include "Core/Common/ByteStream.h"
#include "Core/Common/Error.h"
#include "Core/Crypto/GpgProcess.h"
#include "Core/Crypto/GpgmeLibrary.h"

#include <algorithm>

namespace DicomMail
{
  namespace
  {
    // gpgconf prints a few lines at most; anything beyond is dropped.
    const size_t kMaxOutput = 64 * 1024;

    std::string Describe(const std::vector<std::string>& arguments)
    {
      std::string s = "gpgconf";
      for (const std::string& a : arguments)
      {
        s += " " + a;
      }
      return s;
    }

    class BoundedOutput : public ByteSink
    {
    public:
      void Write(const void* data, size_t size) override
      {
        const size_t room = kMaxOutput - std::min(kMaxOutput, text_.size());
        text_.append(static_cast<const char*>(data), std::min(size, room));
      }

      const std::string& GetText() const
      {
        return text_;
      }

    private:
      std::string text_;
    };
  }

  std::string GpgconfTool::Run(const std::string& home,
                               unsigned int timeoutSeconds,
                               const std::vector<std::string>& arguments)
  {
    std::vector<std::string> all = { "--homedir", home };
    all.insert(all.end(), arguments.begin(), arguments.end());

    GpgProcess process(GpgmeLibrary::GetGpgconfPath(), all);
    process.SetInactivityTimeout(std::chrono::seconds(timeoutSeconds));
    StringSource nothing("");
    BoundedOutput output;
    const int code = process.Exchange(nothing, output, [](const std::string&, const std::string&)
    {
    });
    if (code != 0)
    {
      throw Error(ErrorKind::Configuration, Describe(arguments) + " failed for the GnuPG home " +
                  home + ": " + output.GetText() + process.GetDiagnostics());
    }
    return output.GetText();
  }
}
