package cron

import "testing"

func TestDescribe(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"* * * * *":             "every minute",
		"*/5 * * * *":           "every 5 minutes",
		"0,20,40 * * * *":       "every 20 minutes",
		"30 * * * *":            "every hour at minute 30",
		"0 * * * *":             "every hour",
		"0 */2 * * *":           "every 2 hours",
		"15 */6 * * *":          "every 6 hours at minute 15",
		"0 9 * * *":             "at 09:00 every day",
		"0 9 * * 1-5":           "at 09:00 on Monday through Friday",
		"0 9 * * mon-fri":       "at 09:00 on Monday through Friday",
		"0 0 * * FRI-SUN":       "at 00:00 on Friday through Sunday",
		"0 0 * * SAT,SUN":       "at 00:00 on Saturday and Sunday",
		"0 8 * * 1,3,5":         "at 08:00 on Monday, Wednesday and Friday",
		"0 0 1 * *":             "at 00:00 on day 1 of the month",
		"0 0 1,15 * *":          "at 00:00 on days 1 and 15 of the month",
		"0 0 1-7 * *":           "at 00:00 on days 1 through 7 of the month",
		"0 0 1 * MON":           "at 00:00 on day 1 of the month or on Monday",
		"0 0 1 1 *":             "at 00:00 on January 1",
		"0 12 * 3-5 *":          "at 12:00 every day in March through May",
		"0 0 1 1,7 *":           "at 00:00 on day 1 of the month in January and July",
		"*/15 9-17 * * *":       "every 15 minutes between 09:00 and 17:59",
		"* 9 * * *":             "every minute between 09:00 and 09:59",
		"*/10 9-17 * * MON-FRI": "every 10 minutes between 09:00 and 17:59 on Monday through Friday",
		"0 9-17 * * *":          "every hour from 09:00 to 17:00",
		"0,30 9 * * *":          "at 09:00 and 09:30 every day",
		"0 9,13,18 * * *":       "at 09:00, 13:00 and 18:00 every day",
		"@yearly":               "at 00:00 on January 1",
		"@monthly":              "at 00:00 on day 1 of the month",
		"@weekly":               "at 00:00 on Sunday",
		"@daily":                "at 00:00 every day",
		"@hourly":               "every hour",
		"@every 1m":             "every minute",
		"@every 5m":             "every 5 minutes",
		"@every 1h":             "every hour",
		"@every 1h30m":          "every 1 hour 30 minutes",
		"@every 24h":            "every day",
		"@every 49h5m":          "every 2 days 1 hour 5 minutes",
		// Too complex to say simply: the normalised expression.
		"*/7 */5 * * *":   "*/7 */5 * * *",
		"0 0 */2 * MON":   "0 0 */2 * MON",
		"0 0 */2 * *":     "0 0 */2 * *",
		"1-5 1,3,5 * * *": "1-5 1,3,5 * * *",
	}
	for expr, want := range tests {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			if got := mustParse(t, expr, "").Describe(); got != want {
				t.Errorf("Describe() = %q, want %q", got, want)
			}
		})
	}
}
