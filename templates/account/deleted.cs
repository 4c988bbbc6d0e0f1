<?cs # The account is gone. ?>
<?cs def:page_body() ?>
<h1>Your account was deleted</h1>
<p role="status">Your name, address and password are gone from our records, and from your bookings. Tickets you bought stay valid: keep their PDFs, since we can no longer mail them to you.</p>
<p><a href="/events">Back to the events</a></p>
<?cs /def ?>
