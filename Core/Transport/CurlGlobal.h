// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace DicomMail
{
  // libcurl's process-wide initialization. curl_global_init must run before
  // any thread uses libcurl; the plugin calls Initialize() from its start-up
  // code, and every CurlHandle calls it too (it runs only once), so tests and
  // tools need not care.
  class CurlGlobal
  {
  public:
    static void Initialize();

    // At plugin shutdown, after every transfer has ended. Optional.
    static void Finalize();
  };
}
