// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Common/MappedFile.h"
#include "UnitTests/ReceivingTestSupport.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace DicomMail;
using ReceivingTest::ScratchDirectory;

TEST(CommonMappedFile, MapsTheWholeFileAndRefusesWhatItCannotMap)
{
  ScratchDirectory scratch;
  std::string content(700001, '\0');
  for (size_t i = 0; i < content.size(); i++)
  {
    content[i] = static_cast<char>(i * 31 + 7);
  }
  const std::string path = scratch.File("file.dcm");
  Files::WriteAll(path, content);

  {
    MappedFile mapped(path, content.size());
    ASSERT_EQ(content.size(), mapped.GetSize());
    EXPECT_EQ(0, memcmp(content.data(), mapped.GetData(), content.size()));
  }

  const std::string empty = scratch.File("empty.dcm");
  Files::WriteAll(empty, "");
  MappedFile none(empty, 10);
  EXPECT_EQ(0u, none.GetSize());

  try
  {
    MappedFile tooLarge(path, content.size() - 1);
    ADD_FAILURE() << "a file over the limit was mapped";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::LimitExceeded, e.GetKind());
  }
  try
  {
    MappedFile missing(scratch.File("missing.dcm"), 10);
    ADD_FAILURE() << "a missing file was mapped";
  }
  catch (const Error& e)
  {
    EXPECT_EQ(ErrorKind::Storage, e.GetKind());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("missing.dcm"));
  }
}
