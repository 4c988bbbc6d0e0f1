/* config_notify: the Notify and Tickets sections of the configuration — the outbox's sender,
 * its SMTP server and SMS provider, and the e-tickets' signing keys and check-in secret. */
#include <stdlib.h>
#include <string.h>
#include "core/config.h"

/* Whether an SMTP or SMS setting asks for something the sender cannot do, said at start-up
 * rather than at the first message. */
static NEOERR *config_check_notify(const struct config *cfg, const char *path)
{
	if (cfg->notify_senders < 1 || cfg->notify_senders > 64)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.Senders must be 1..64", path);
	if (cfg->notify_batch < 1 || cfg->notify_batch > 500)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.BatchSize must be 1..500", path);
	if (cfg->notify_poll_ms < 10 || cfg->notify_poll_ms > 60000)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.PollMs must be 10..60000", path);
	if (cfg->notify_lease_seconds < 2 || cfg->notify_lease_seconds > 3600)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.LeaseSeconds must be 2..3600", path);
	if (cfg->notify_retry_base_seconds < 1 ||
	    cfg->notify_retry_max_seconds < cfg->notify_retry_base_seconds ||
	    cfg->notify_retry_max_seconds > 86400)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.RetryBaseSeconds must be at least 1 and "
				  "Notify.RetryMaxSeconds between it and 86400", path);
	if (cfg->notify_give_up_minutes < 1 || cfg->notify_give_up_minutes > 30 * 24 * 60)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.GiveUpMinutes must be 1..43200", path);
	if (cfg->smtp_timeout_ms < 100 || cfg->smtp_timeout_ms > 600000)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.Mail.TimeoutMs must be 100..600000", path);
	if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 && strncmp(cfg->smtp_url, "smtps://", 8) != 0)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.Mail.URL must be smtp://host:port or "
				  "smtps://host:port", path);
	if (strcmp(cfg->sms_provider, "none") != 0 && strcmp(cfg->sms_provider, "twilio") != 0)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Notify.SMS.Provider must be twilio or none", path);
	if (cfg->ticket_current_key < 0 || cfg->ticket_current_key > 15)
		return nerr_raise(NERR_OUTOFRANGE, "%s: Tickets.CurrentKey must be 0..15", path);
	return STATUS_OK;
}

NEOERR *config_load_notify(struct config *cfg, const char *path)
{
	HDF *h = cfg->hdf;
	cfg->notify_pid_file = config_string(h, "Notify.PidFile", NULL);
	cfg->notify_log_file = config_string(h, "Notify.LogFile", NULL);
	cfg->notify_senders = hdf_get_int_value(h, "Notify.Senders", 2);
	cfg->notify_batch = hdf_get_int_value(h, "Notify.BatchSize", 10);
	cfg->notify_poll_ms = hdf_get_int_value(h, "Notify.PollMs", 250);
	cfg->notify_lease_seconds = hdf_get_int_value(h, "Notify.LeaseSeconds", 120);
	cfg->notify_retry_base_seconds = hdf_get_int_value(h, "Notify.RetryBaseSeconds", 30);
	cfg->notify_retry_max_seconds = hdf_get_int_value(h, "Notify.RetryMaxSeconds", 3600);
	cfg->notify_give_up_minutes = hdf_get_int_value(h, "Notify.GiveUpMinutes", 2880);
	cfg->notify_from = config_string(h, "Notify.From", "Boxoffice <tickets@localhost>");
	cfg->notify_reply_to = config_string(h, "Notify.ReplyTo", "");
	cfg->notify_attendee_mails = hdf_get_int_value(h, "Notify.AttendeeMails", 1);
	cfg->smtp_url = config_string(h, "Notify.Mail.URL", "smtp://127.0.0.1:25");
	cfg->smtp_user = config_string(h, "Notify.Mail.User", "");
	cfg->smtp_password = config_secret(h, "Notify.Mail.Password", "BOXOFFICE_SMTP_PASSWORD");
	cfg->smtp_starttls = strcmp(hdf_get_value(h, "Notify.Mail.StartTLS", "off"), "required") == 0;
	cfg->smtp_ca_file = config_string(h, "Notify.Mail.CAFile", "");
	cfg->smtp_timeout_ms = hdf_get_int_value(h, "Notify.Mail.TimeoutMs", 30000);
	cfg->sms_provider = config_string(h, "Notify.SMS.Provider", "none");
	cfg->sms_base_url = config_string(h, "Notify.SMS.BaseURL", "https://api.twilio.com");
	cfg->sms_account_sid = config_string(h, "Notify.SMS.AccountSid", "");
	cfg->sms_auth_token = config_secret(h, "Notify.SMS.AuthToken", "BOXOFFICE_SMS_AUTH_TOKEN");
	cfg->sms_from = config_string(h, "Notify.SMS.From", "");
	cfg->ticket_keys = config_secret(h, "Tickets.SigningKeys", "BOXOFFICE_TICKET_KEYS");
	cfg->ticket_current_key = hdf_get_int_value(h, "Tickets.CurrentKey", 0);
	cfg->ticket_font_dir = config_string(h, "Tickets.FontDir", "/usr/share/fonts/truetype/dejavu");
	cfg->checkin_secret = config_secret(h, "Tickets.CheckinSecret", "BOXOFFICE_CHECKIN_SECRET");
	NEOERR *err = config_check_notify(cfg, path);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (*cfg->ticket_keys == '\0') {
		ticket_keyring_derive(&cfg->ticket_keyring, cfg->secret_key);
		return STATUS_OK;
	}
	err = ticket_keyring_parse(&cfg->ticket_keyring, cfg->ticket_keys, cfg->ticket_current_key);
	return nerr_pass_ctx(err, "%s: Tickets.SigningKeys", path);
}

void config_free_notify(struct config *cfg)
{
	char **strings[] = {
		&cfg->notify_pid_file, &cfg->notify_log_file, &cfg->notify_from, &cfg->notify_reply_to,
		&cfg->smtp_url, &cfg->smtp_user, &cfg->smtp_password, &cfg->smtp_ca_file,
		&cfg->sms_provider, &cfg->sms_base_url, &cfg->sms_account_sid, &cfg->sms_auth_token,
		&cfg->sms_from, &cfg->ticket_keys, &cfg->ticket_font_dir, &cfg->checkin_secret,
	};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	ticket_keyring_wipe(&cfg->ticket_keyring);
}
