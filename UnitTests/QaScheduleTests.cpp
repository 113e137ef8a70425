// SPDX-License-Identifier: GPL-3.0-or-later
// The QA schedule (#17): parsing, the daily test's days and time, and the
// scheduler's decisions, with a clock the test moves.

#include "Core/Common/Error.h"
#include "Core/QualityAssurance/DailyTestPlanner.h"
#include "Core/QualityAssurance/DailyTestScheduler.h"
#include "Core/QualityAssurance/QaSettings.h"
#include "Core/Store/UtcMillis.h"

#include "UnitTests/TestSupport.h"

#include <gtest/gtest.h>

#include <ctime>
#include <memory>

using namespace DicomMail;

namespace
{
  using TestSupport::ParseJson;

  std::string ErrorOf(const std::string& json)
  {
    try
    {
      QaSchedule::Parse("tele", ParseJson(json), "DicomMail.QualityAssurance.Schedules.tele");
    }
    catch (const Error& e)
    {
      EXPECT_EQ(ErrorKind::Configuration, e.GetKind());
      return e.what();
    }
    return "";
  }

  // A clock the test sets; the site's time zone is UTC here.
  class FakeClock : public IQaClock
  {
  public:
    explicit FakeClock(const std::string& utc) :
      now_(UtcMillis::Parse(utc))
    {
    }

    void Set(const std::string& utc)
    {
      now_ = UtcMillis::Parse(utc);
    }

    int64_t NowMs() const override
    {
      return now_;
    }

    LocalTime ToLocal(int64_t ms) const override
    {
      const time_t seconds = static_cast<time_t>(ms / 1000);
      struct tm parts = {};
      gmtime_r(&seconds, &parts);
      return LocalTime::FromBrokenDown(parts);
    }

  private:
    int64_t now_;
  };

  QaSchedule Schedule(const std::string& partner, const std::string& json = "{}")
  {
    return QaSchedule::Parse(partner, ParseJson(json), "test");
  }
}

TEST(QaSchedule, DefaultsAreWorkingDaysAtHalfPastSevenWithTheGeneratedSeries)
{
  const QaSchedule s = Schedule("tele");
  EXPECT_TRUE(s.enabled);
  EXPECT_TRUE(s.teleradiology);
  EXPECT_TRUE(s.UsesGeneratedTestData());
  EXPECT_EQ((std::set<int>{ 1, 2, 3, 4, 5 }), s.days);
  EXPECT_EQ(7u * 60 + 30, s.dailyTestMinute);
  EXPECT_EQ(1u, s.monthlyMeasurementDay);
  EXPECT_EQ(3600u, s.acknowledgementTimeout);
}

TEST(QaSchedule, ParsesEveryKeyAndWritesThemBack)
{
  const QaSchedule s = Schedule("tele", R"({"Teleradiology": true, "TestData": "1.2.826.0.1.3680043.2.1125.1",
    "Days": ["Mon", "Sat"], "Holidays": ["2026-12-25", "2026-12-26"], "DailyTestTime": "06:05",
    "MonthlyMeasurementDay": 15, "AcknowledgementTimeout": 120, "Enabled": false})");
  EXPECT_FALSE(s.UsesGeneratedTestData());
  EXPECT_EQ("1.2.826.0.1.3680043.2.1125.1", s.testData);
  EXPECT_EQ((std::set<int>{ 1, 6 }), s.days);
  EXPECT_EQ(2u, s.holidays.size());
  EXPECT_EQ(6u * 60 + 5, s.dailyTestMinute);
  EXPECT_EQ(15u, s.monthlyMeasurementDay);
  EXPECT_EQ(120u, s.acknowledgementTimeout);
  EXPECT_FALSE(s.enabled);

  Json::Value written = s.ToJson();
  EXPECT_EQ("06:05", written["DailyTestTime"].asString());
  EXPECT_EQ("Mon", written["Days"][0].asString());
  EXPECT_EQ("Sat", written["Days"][1].asString());
  written.removeMember("Partner");
  written.removeMember("ReadOnly");
  const QaSchedule again = QaSchedule::Parse("tele", written, "again");
  EXPECT_EQ(s.days, again.days);
  EXPECT_EQ(s.holidays, again.holidays);
  EXPECT_EQ(s.dailyTestMinute, again.dailyTestMinute);
  EXPECT_EQ(s.testData, again.testData);
}

TEST(QaSchedule, RefusesWhatItCannotUseNamingTheKey)
{
  EXPECT_NE(std::string::npos, ErrorOf(R"({"DailyTestTime": "7:30"})").find("Schedules.tele.DailyTestTime"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"DailyTestTime": "24:00"})").find("DailyTestTime"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Days": ["Monday"]})").find("\"Monday\""));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"Holidays": ["25.12.2026"]})").find("Holidays"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"TestData": "CT of Mr X"})").find("TestData"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"MonthlyMeasurementDay": 31})").find("MonthlyMeasurementDay"));
  EXPECT_NE(std::string::npos, ErrorOf(R"({"DailyTest": "07:30"})").find("DailyTest"));
  EXPECT_EQ("", ErrorOf(R"({"DailyTestTime": "23:59"})"));
}

TEST(QaSettings, SectionDefaultsAndPolicy)
{
  const QaSettings none = QaSettings::Parse(Json::Value(), "DicomMail.QualityAssurance");
  EXPECT_EQ(ReceivedTestPolicy::Discard, none.receivedTests);
  EXPECT_TRUE(none.schedules.empty());

  const QaSettings s = QaSettings::Parse(ParseJson(R"({"ReceivedTests": "Keep", "AlertAddress": "qa@site.example",
    "Schedules": {"tele": {"DailyTestTime": "08:00"}}})"), "DicomMail.QualityAssurance");
  EXPECT_EQ(ReceivedTestPolicy::Keep, s.receivedTests);
  EXPECT_EQ("qa@site.example", s.alertAddress);
  ASSERT_EQ(1u, s.schedules.size());
  EXPECT_EQ("tele", s.schedules[0].partner);
  EXPECT_TRUE(s.schedules[0].fromConfiguration);

  EXPECT_THROW(QaSettings::Parse(ParseJson(R"({"ReceivedTests": "Archive"})"), "x"), Error);
  EXPECT_THROW(QaSettings::Parse(ParseJson(R"({"AlertAddress": "nobody"})"), "x"), Error);
}

TEST(DailyTestPlanner, WorkingDaysHolidaysAndTheTimeOfDay)
{
  FakeClock clock("2026-12-07T07:29:00Z");   // a Monday
  const QaSchedule s = Schedule("tele", R"({"Holidays": ["2026-12-25"]})");
  EXPECT_FALSE(DailyTestPlanner::IsDue(s, clock.ToLocal(clock.NowMs()), ""));     // a minute early
  clock.Set("2026-12-07T07:30:00Z");
  EXPECT_TRUE(DailyTestPlanner::IsDue(s, clock.ToLocal(clock.NowMs()), ""));
  EXPECT_TRUE(DailyTestPlanner::IsDue(s, clock.ToLocal(clock.NowMs()), "2026-12-04"));
  EXPECT_FALSE(DailyTestPlanner::IsDue(s, clock.ToLocal(clock.NowMs()), "2026-12-07"));   // done today
  clock.Set("2026-12-07T23:59:00Z");
  EXPECT_TRUE(DailyTestPlanner::IsDue(s, clock.ToLocal(clock.NowMs()), "2026-12-04"));    // late, same day

  clock.Set("2026-12-12T09:00:00Z");   // Saturday
  EXPECT_FALSE(DailyTestPlanner::IsTestDay(s, clock.ToLocal(clock.NowMs())));
  clock.Set("2026-12-25T09:00:00Z");   // Friday, a holiday
  EXPECT_FALSE(DailyTestPlanner::IsTestDay(s, clock.ToLocal(clock.NowMs())));
  clock.Set("2026-12-24T09:00:00Z");
  EXPECT_TRUE(DailyTestPlanner::IsTestDay(s, clock.ToLocal(clock.NowMs())));

  QaSchedule off = s;
  off.teleradiology = false;
  EXPECT_FALSE(DailyTestPlanner::IsDue(off, clock.ToLocal(clock.NowMs()), ""));
  off = s;
  off.enabled = false;
  EXPECT_FALSE(DailyTestPlanner::IsDue(off, clock.ToLocal(clock.NowMs()), ""));
}

TEST(DailyTestPlanner, OverdueAfterTheTimeoutAndTheMonthlyDay)
{
  const QaSchedule s = Schedule("tele", R"({"AcknowledgementTimeout": 60, "MonthlyMeasurementDay": 7})");
  EXPECT_FALSE(DailyTestPlanner::IsOverdue(s, 1000, 61000));
  EXPECT_TRUE(DailyTestPlanner::IsOverdue(s, 1000, 61001));
  FakeClock clock("2026-12-07T10:00:00Z");
  EXPECT_TRUE(DailyTestPlanner::IsMonthlyMeasurementDay(s, clock.ToLocal(clock.NowMs())));
  clock.Set("2026-12-08T10:00:00Z");
  EXPECT_FALSE(DailyTestPlanner::IsMonthlyMeasurementDay(s, clock.ToLocal(clock.NowMs())));
}

TEST(DailyTestScheduler, AWeekOfDailyTestsWithoutWaiting)
{
  FakeClock clock("2026-12-04T06:00:00Z");   // Friday, before the test time
  const DailyTestScheduler scheduler(clock);
  const std::vector<QaSchedule> schedules = { Schedule("tele"), Schedule("night", R"({"DailyTestTime": "22:00"})") };
  std::map<std::string, std::string> last;
  std::vector<std::string> started;

  // Every 30 minutes for a week, as the plugin's worker would look.
  const int64_t end = UtcMillis::Parse("2026-12-11T06:00:00Z");
  for (int64_t t = clock.NowMs(); t < end; t += 30 * 60 * 1000)
  {
    clock.Set(UtcMillis::Format(t));
    const DailyTestActions actions = scheduler.Plan(schedules, last, {});
    for (const std::string& partner : actions.start)
    {
      started.push_back(partner + " " + actions.testDay);
      last[partner] = actions.testDay;   // what the worker records
    }
  }
  const std::vector<std::string> expected = {
    "tele 2026-12-04", "night 2026-12-04",
    "tele 2026-12-07", "night 2026-12-07", "tele 2026-12-08", "night 2026-12-08",
    "tele 2026-12-09", "night 2026-12-09", "tele 2026-12-10", "night 2026-12-10" };
  EXPECT_EQ(expected, started);
}

TEST(DailyTestScheduler, FailsOverdueTestsAndStartsNoSecondOneMeanwhile)
{
  FakeClock clock("2026-12-07T08:00:00Z");
  const DailyTestScheduler scheduler(clock);
  const std::vector<QaSchedule> schedules = { Schedule("tele"), Schedule("praxis") };
  RunningDailyTest running;
  running.setId = "20261204.073000.00000001";
  running.partner = "tele";
  running.deadlineMs = UtcMillis::Parse("2026-12-07T08:30:00Z");

  DailyTestActions actions = scheduler.Plan(schedules, {}, { running });
  EXPECT_TRUE(actions.overdue.empty());
  EXPECT_EQ(std::vector<std::string>{ "praxis" }, actions.start);   // tele still waits for its answer

  clock.Set("2026-12-07T08:30:01Z");
  actions = scheduler.Plan(schedules, { { "praxis", "2026-12-07" } }, { running });
  ASSERT_EQ(1u, actions.overdue.size());
  EXPECT_EQ(running.setId, actions.overdue[0].setId);
  EXPECT_EQ(std::vector<std::string>{ "tele" }, actions.start);     // its failure no longer blocks the day's test
}

TEST(DailyTestScheduler, AYearOfMonthlyMeasurementsWithoutWaiting)
{
  FakeClock clock("2026-01-01T00:00:00Z");
  const DailyTestScheduler scheduler(clock);
  // Measured on the 3rd, a quarter of an hour after the daily test's 07:30; "off" only by hand.
  const std::vector<QaSchedule> schedules = { Schedule("tele", R"({"MonthlyMeasurementDay": 3})"),
                                              Schedule("off", R"({"Enabled": false})") };
  std::map<std::string, std::string> lastMonth;
  std::vector<std::string> started;
  const int64_t end = UtcMillis::Parse("2027-01-01T00:00:00Z");
  for (int64_t t = clock.NowMs(); t < end; t += 15 * 60 * 1000)
  {
    clock.Set(UtcMillis::Format(t));
    const DailyTestActions actions = scheduler.Plan(schedules, {}, {}, lastMonth);
    for (const std::string& partner : actions.startMonthly)
    {
      started.push_back(partner + " " + UtcMillis::Format(t).substr(0, 16));
      lastMonth[partner] = actions.month;   // what the worker records
    }
  }
  ASSERT_EQ(12u, started.size());
  EXPECT_EQ("tele 2026-01-03T07:45", started.front());
  EXPECT_EQ("tele 2026-12-03T07:45", started.back());

  // A month already measured is not measured again on its day; the next one is.
  clock.Set("2026-12-03T09:00:00Z");
  EXPECT_TRUE(scheduler.Plan(schedules, {}, {}, { { "tele", "2026-12" } }).startMonthly.empty());
  EXPECT_EQ(std::vector<std::string>{ "tele" }, scheduler.Plan(schedules, {}, {}, { { "tele", "2026-11" } }).startMonthly);
  clock.Set("2026-12-03T07:44:00Z");
  EXPECT_TRUE(scheduler.Plan(schedules, {}, {}, {}).startMonthly.empty());
}
