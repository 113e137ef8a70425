# SPDX-License-Identifier: GPL-3.0-or-later
#
# The settings of a dedicated DICOM-Mail mail server (Postfix + Dovecot), read by mailstack.sh when it writes the
# test stack's configuration and quoted by docs/mail-server.md: the recipe there is the configuration the
# integration tests run against. Shell syntax (sourced); no secrets here.

# Postfix message_size_limit, bytes. It must not be below the largest mail any partner sends this site: the
# partner's MaxMailSize (DicomMail.MaxMailSize or Partners.<id>.MaxMailSize, default 10 000 000) plus the headers
# Postfix adds; message/partial fragments are that size too. The tests send mails of up to several hundred MB.
MESSAGE_SIZE_LIMIT=1073741824

# Dovecot quota of every mailbox (quota_rule storage): room for the studies of the days partners may need to
# collect them, the retention of the Processed folder (DicomMail ProcessedRetentionDays) included.
MAILBOX_QUOTA=20G

# No grace above the quota: what Postfix is told (via quota-status) is exactly what LMTP delivery would do.
QUOTA_GRACE=0%

# The answer to a recipient whose mailbox cannot take the mail: the enhanced code 5.2.2 is what tells a sending
# DICOM-Mail site "the partner's mailbox is full", which it retries instead of giving up.
QUOTA_OVERQUOTA_REPLY="552 5.2.2 Mailbox is full"
