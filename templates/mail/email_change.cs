<?cs # A changed address: the link that proves the new one, sent to it. ?>
<?cs def:subject() ?>Confirm your new email address for <?cs var:Site.Name ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

someone signed in to an account at <?cs var:Site.Name ?> asked to change its address to this one. To make the change, open this link (it works once, for <?cs var:Link.Hours ?> hours) and type the account's password:

<?cs var:Link.URL ?>

If that was not you, ignore this message: the address does not change.
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Confirm your new email address</h1>
<p>Hello <?cs var:Recipient.Name ?>, someone signed in to an account at <?cs var:Site.Name ?> asked to change its address to this one. The link works once, for <?cs var:Link.Hours ?> hours.</p>
<p><a href="<?cs var:Link.URL ?>">Confirm the new address</a></p>
<p>If that was not you, ignore this message: the address does not change.</p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
