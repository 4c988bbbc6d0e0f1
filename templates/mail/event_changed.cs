<?cs # An event that moved (time or venue): the tickets stay valid; the new PDF is attached. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Change to <?cs var:Event.Name ?>: now <?cs var:Event.Day ?>, <?cs var:Event.Time ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

the event of your booking <?cs var:Booking.Code ?> has changed.

Now:
<?cs call:event_text() ?>
Before: <?cs var:Old.When ?>, <?cs var:Old.Venue ?>, <?cs var:Old.City ?>

Your tickets stay valid for the new date; the updated PDF is attached.
<?cs call:tickets_text() ?><?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Your event has changed</h1>
<p>Hello <?cs var:Recipient.Name ?>, the event of your booking <?cs var:Booking.Code ?> has changed. Your tickets stay valid; the updated PDF is attached.</p>
<p style="margin:0;"><strong>Now:</strong></p>
<?cs call:event_html() ?>
<p><del><?cs var:Old.When ?>, <?cs var:Old.Venue ?>, <?cs var:Old.City ?></del></p>
<?cs call:tickets_html() ?>
<?cs /def ?>
<?cs def:sms() ?><?cs var:Site.Name ?>: <?cs var:Event.Name ?> has moved to <?cs var:Event.Day ?> <?cs var:Event.Time ?>, <?cs var:Event.Venue ?>. Your tickets stay valid: <?cs var:Booking.TicketsURL ?><?cs /def ?>
