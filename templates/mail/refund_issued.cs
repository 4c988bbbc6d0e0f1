<?cs # A refund that went through at the gateway. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Refund of <?cs var:Refund.Amount ?> for booking <?cs var:Booking.Code ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Booking.Buyer ?>,

we have refunded <?cs var:Refund.Amount ?> of your booking <?cs var:Booking.Code ?> to the way you paid. Depending on your bank it shows within 5 to 10 days.

<?cs call:event_text() ?><?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Refund of <?cs var:Refund.Amount ?></h1>
<p>Hello <?cs var:Booking.Buyer ?>, we have refunded <strong><?cs var:Refund.Amount ?></strong> of your booking <?cs var:Booking.Code ?> to the way you paid. Depending on your bank it shows within 5 to 10 days.</p>
<?cs call:event_html() ?>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
