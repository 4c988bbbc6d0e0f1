/* sms: text messages through a provider's HTTP API over libcurl. One small interface, one
 * provider today: Twilio's Messages API (a form POST with HTTP Basic auth), at a configurable
 * base URL so the local stand-in can take its place. */
#ifndef BOXOFFICE_SMS_H
#define BOXOFFICE_SMS_H
#include <stdbool.h>
#include <ClearSilver.h>

struct arena;
struct config;

struct sms_outcome {
	bool sent;
	bool permanent;                  /* refused for good (not a mobile number ...): no retry */
	long status;                     /* the provider's HTTP status, 0 when no answer came */
	const char *detail;              /* the provider's id of the message, or why it failed */
};

struct sms_provider {
	const char *name;
	/* Send `body` to `to` (E.164) from Notify.SMS.From. */
	NEOERR *(*send)(const struct config *cfg, struct arena *a, const char *to, const char *body,
			struct sms_outcome *out);
};

/* The provider Notify.SMS.Provider names, or NULL for "none". */
const struct sms_provider *sms_provider(const struct config *cfg);

#endif
