// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Files.h"
#include "Core/Receiving/PlaintextRouter.h"
#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

using namespace DicomMail;

namespace
{
  // Writes "entity" in pieces of "piece" bytes, as gpg's output arrives.
  void WriteInPieces(PlaintextRouter& router, const std::string& entity, size_t piece)
  {
    for (size_t i = 0; i < entity.size(); i += piece)
    {
      router.Write(entity.data() + i, std::min(piece, entity.size() - i));
    }
    router.Finish();
  }
}

TEST(ReceivingPlaintextRouter, AnEntityEncryptedAndSignedAtOnceIsStreamedWithoutAFile)
{
  TestSupport::ScratchDirectory dir;
  const std::string path = dir.GetPath() + "/plain";
  const std::string entity = "Content-Type: multipart/mixed; boundary=\"b\"\r\nX-TELEMEDICINE-SETID: 1\r\n\r\n"
    "--b\r\nContent-Type: application/dicom\r\n\r\nDICM\r\n--b--\r\n";
  for (size_t piece : {size_t(1), size_t(7), entity.size()})
  {
    StringSink stream;
    PlaintextRouter router(path, stream, MimeLimits());
    WriteInPieces(router, entity, piece);
    EXPECT_FALSE(router.WentToFile());
    EXPECT_EQ(entity, stream.GetContent());
    EXPECT_FALSE(Files::Exists(path));
  }
}

TEST(ReceivingPlaintextRouter, AnEntitySignedInsideTheEncryptionGoesToTheFile)
{
  TestSupport::ScratchDirectory dir;
  const std::string path = dir.GetPath() + "/plain";
  const std::string entity = "Content-Type: multipart/signed; boundary=\"s\";\n protocol=\"application/pgp-signature\""
    "\n\n--s\nContent-Type: text/plain\n\nsigned\n--s--\n";
  StringSink stream;
  PlaintextRouter router(path, stream, MimeLimits());
  WriteInPieces(router, entity, 5);
  EXPECT_TRUE(router.WentToFile());
  EXPECT_EQ("", stream.GetContent());
  EXPECT_EQ(entity, Files::ReadAll(path, 1 << 20));
}

TEST(ReceivingPlaintextRouter, AHeaderBlockItCannotReadGoesToTheFileWhoseReaderNamesTheFault)
{
  TestSupport::ScratchDirectory dir;
  const std::string path = dir.GetPath() + "/plain";
  MimeLimits limits;
  limits.maxHeaderBlockSize = 100;
  const std::string entity = "X-Long: " + std::string(300, 'a') + "\r\n\r\nbody";
  StringSink stream;
  PlaintextRouter router(path, stream, limits);
  WriteInPieces(router, entity, 64);
  EXPECT_TRUE(router.WentToFile());
  EXPECT_EQ(entity, Files::ReadAll(path, 1 << 20));
}
