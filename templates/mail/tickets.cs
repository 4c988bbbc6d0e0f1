<?cs # What the ticket mails share: the event block and the list of tickets, in text and HTML. ?>
<?cs def:event_text() ?><?cs var:Event.Name ?>
<?cs var:Event.When ?>
<?cs var:Event.Venue ?>, <?cs var:Event.Address ?>, <?cs var:Event.City ?>
<?cs /def ?>
<?cs def:tickets_text() ?><?cs each:t = Tickets ?>
* <?cs var:t.Seat ?> — <?cs var:t.Holder ?> — <?cs var:t.Price ?>
  Ticket code: <?cs var:t.CodeDisplay ?>
  <?cs var:t.URL ?>
<?cs /each ?><?cs /def ?>
<?cs def:event_html() ?>
<h2 style="font-size:20px;margin:0 0 4px;"><?cs var:Event.Name ?></h2>
<p style="margin:0 0 16px;"><?cs var:Event.When ?><br><?cs var:Event.Venue ?>, <?cs var:Event.Address ?>, <?cs var:Event.City ?></p>
<?cs /def ?>
<?cs def:tickets_html() ?>
<?cs each:t = Tickets ?>
<div style="border:1px solid #ddd;border-radius:8px;padding:16px;margin:0 0 16px;">
<p style="margin:0 0 8px;font-size:16px;"><strong><?cs var:t.Seat ?></strong><br><?cs var:t.Holder ?> · <?cs var:t.Price ?></p>
<p style="margin:0 0 8px;"><img src="cid:<?cs var:t.Qr ?>" width="180" height="180" alt="QR code of ticket <?cs var:t.CodeDisplay ?>" style="display:block;"></p>
<p style="margin:0;font-family:monospace;font-size:13px;"><?cs var:t.CodeDisplay ?></p>
<p style="margin:8px 0 0;"><a href="<?cs var:t.URL ?>">Open this ticket</a> · <a href="<?cs var:t.PdfURL ?>">PDF</a></p>
</div>
<?cs /each ?>
<?cs /def ?>
