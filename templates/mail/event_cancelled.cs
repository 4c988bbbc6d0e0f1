<?cs # A cancelled event: the tickets are void, the refund follows through the gateway. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?><?cs var:Event.Name ?> is cancelled<?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

we are sorry: the event of your booking <?cs var:Booking.Code ?> has been cancelled.

<?cs call:event_text() ?>
Your tickets are no longer valid. The organizer refunds your payment of <?cs var:Booking.Total ?> to the way you paid; you will get a separate message when it is done.
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">This event is cancelled</h1>
<p>Hello <?cs var:Recipient.Name ?>, we are sorry: the event of your booking <?cs var:Booking.Code ?> has been cancelled.</p>
<?cs call:event_html() ?>
<p>Your tickets are no longer valid. The organizer refunds your payment of <strong><?cs var:Booking.Total ?></strong> to the way you paid; you will get a separate message when it is done.</p>
<?cs /def ?>
<?cs def:sms() ?><?cs var:Site.Name ?>: <?cs var:Event.Name ?> (<?cs var:Event.Day ?>) is cancelled. Your booking <?cs var:Booking.Code ?> will be refunded.<?cs /def ?>
