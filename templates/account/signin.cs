<?cs # Sign in: address and password; next is where to go back to (a path of this site). ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Sign in</h1>
<form class="account-form" method="post" action="/account/signin" novalidate>
  <?cs call:csrf() ?>
  <input type="hidden" name="next" value="<?cs var:Form.Next ?>">
  <div class="field"><label for="a-email">Email address</label>
    <input id="a-email" name="email" type="email" autocomplete="username" maxlength="254" required value="<?cs var:Form.Email ?>"<?cs if:Errors.Email ?> aria-invalid="true" aria-describedby="a-email-error"<?cs /if ?>>
    <?cs call:field_error("a-email", Errors.Email) ?></div>
  <div class="field"><label for="a-password">Password</label>
    <input id="a-password" name="password" type="password" autocomplete="current-password" maxlength="256" required<?cs if:Errors.Password ?> aria-invalid="true" aria-describedby="a-password-error"<?cs /if ?>>
    <?cs call:field_error("a-password", Errors.Password) ?></div>
  <button type="submit">Sign in</button>
</form>
<p><a href="/account/reset">Forgot your password?</a> · New here? <a href="/account/signup">Create an account</a> — or just buy tickets as a guest.</p>
<?cs /def ?>
